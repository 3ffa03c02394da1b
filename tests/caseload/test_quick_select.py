from django import forms
from django.test.html import parse_html

from caseload.forms import QuickSelect


def html(text: str):
    """The markup as a tree: attribute order and whitespace between tags do not count."""
    return parse_html(text)


CHOICES = [("", "Choose"), ("1", "Anna <Lindqvist> — 12 open clients"), ("2", 'Anton "B" Berg')]


def test_it_renders_what_djangos_own_select_renders():
    for value in (None, "2"):
        attrs = {"id": "id_to", "class": "form-select is-invalid", "aria-describedby": "to-error", "required": True}
        ours = QuickSelect(choices=CHOICES).render("to", value, attrs=attrs)
        theirs = forms.Select(choices=CHOICES).render("to", value, attrs=attrs)
        assert html(ours) == html(theirs)
    assert 'value="2" selected>Anton &quot;B&quot; Berg' in QuickSelect(choices=CHOICES).render("to", "2")


def test_option_groups_render_as_djangos_do():
    grouped = [("North", [("1", "Anna")]), ("South", [("2", "Anton")])]
    assert html(QuickSelect(choices=grouped).render("to", "1")) == html(forms.Select(choices=grouped).render("to", "1"))
