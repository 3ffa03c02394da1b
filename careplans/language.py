"""Which language a client's own pages and documents are in."""

from pathlib import Path

from django.conf import settings
from django.utils import translation


def client_language(client) -> str:
    """The client's preferred language where the product has a translation into it, else the staff member's.

    A language is offered only when its catalogue exists (locale/<code>/LC_MESSAGES/django.mo): a page
    that says lang="da" while its words are English would be read out wrongly by a screen reader.
    """
    code = client.preferred_language
    available = {language for language, _name in settings.LANGUAGES}
    if code in available and any((Path(path) / code / "LC_MESSAGES" / "django.mo").exists() for path in settings.LOCALE_PATHS):
        return code
    return translation.get_language()
