"""Small pieces of HTML that tags building pages in Python share."""

from html import escape


def csrf_input(context) -> str:
    """What `{% csrf_token %}` writes, from the page's one token (nothing when there is none)."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(token))}">'
