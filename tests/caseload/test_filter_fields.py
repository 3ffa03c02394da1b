"""The timeline's filter fields, written without crispy's templates: crispy's HTML to the character, every value escaped."""

from types import SimpleNamespace

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.utils import translation

from caseload.note_forms import TimelineFilterForm
from caseload.templatetags.filter_fields import crispy_filter_field

HOSTILE = '<script>alert("x")</script> & \'quoted\''
AUTHORS = [SimpleNamespace(pk=7, display_name="Anna <b>Lindqvist</b>"), SimpleNamespace(pk=8, display_name=HOSTILE)]
GOALS = [SimpleNamespace(lineage="11111111-1111-1111-1111-111111111111", client_words=HOSTILE),
         SimpleNamespace(lineage="22222222-2222-2222-2222-222222222222", client_words="Sleep through the night " * 5)]
QUERIES = [
    None,
    {},
    {"contact_type": "phone", "author": "7", "goal": GOALS[1].lineage, "since": "2026-01-01", "until": "2026-03-01"},
    {"contact_type": "", "author": "", "goal": "", "since": "", "until": ""},
    {"since": "2026-03-01", "until": "2026-01-01"},
    {"contact_type": HOSTILE, "author": "99", "goal": HOSTILE, "since": HOSTILE, "until": "31/02/2026"},
]
FIELDS = ["contact_type", "author", "goal", "since", "until"]


def form(data):
    bound = TimelineFilterForm(data, authors=AUTHORS, goals=GOALS)
    bound.is_valid()
    return bound


@pytest.mark.parametrize("language", ["en", "da", "ca", "fr"])
@pytest.mark.parametrize("data", QUERIES)
def test_each_field_is_crispys_own_html(language, data):
    with translation.override(language):
        # Two forms: crispy leaves its classes on the widget it renders.
        by_crispy, by_tag = form(data), form(data)
        for name in FIELDS:
            assert str(crispy_filter_field(by_tag[name])) == str(as_crispy_field(by_crispy[name])), name


def test_hostile_choices_and_values_are_escaped():
    bound = form({"contact_type": HOSTILE, "goal": HOSTILE, "since": HOSTILE})
    html = "".join(str(crispy_filter_field(bound[name])) for name in FIELDS)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27;" in html
    assert 'value="&lt;script&gt;' in html and 'class="dateinput form-control is-invalid" aria-invalid="true"' in html
    assert "Anna &lt;b&gt;Lindqvist&lt;/b&gt;" in html


def test_a_field_it_does_not_know_goes_to_crispy():
    class Other(forms.Form):
        words = forms.CharField(label="Words", help_text="Any <em>words</em>")

    assert str(crispy_filter_field(Other()["words"])) == str(as_crispy_field(Other()["words"]))
