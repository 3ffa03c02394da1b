"""The timeline's notes, built in Python: the template's HTML to the character, every value escaped."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from caseload.models import NoteAddendum, NoteGoal, ProgressNote
from caseload.templatetags.note_rows import note_timeline_rows
from tests.factories import ProgressNoteFactory

# The loop the tag replaced, as timeline.html had it.
TEMPLATE_LOOP = """{% load i18n %}{% for note in notes %}
  <li class="card mb-2 timeline-note">
    <div class="card-body py-2">
      <div class="d-flex flex-wrap justify-content-between gap-2">
        <a class="fw-semibold" href="{% url 'notes:note' note.pk %}">{{ note.get_contact_type_display }} · {{ note.contact_at|date:"SHORT_DATETIME_FORMAT" }}</a>
        <span>{% if note.is_signed %}<span class="badge status-badge status-active">{% translate "Signed" %}</span>{% else %}<span class="badge status-badge status-referred">{% translate "Draft" %}</span>{% endif %}
          {% if note.late_entry %}<span class="badge text-bg-warning">{% translate "Late entry" %}</span>{% endif %}
          {% if note.addendum_count %}<span class="badge text-bg-light border">{% blocktranslate count counter=note.addendum_count %}{{ counter }} addendum{% plural %}{{ counter }} addenda{% endblocktranslate %}</span>{% endif %}</span>
      </div>
      <p class="small text-body-secondary mb-1">{{ note.author.display_name }} · {% blocktranslate with minutes=note.duration_minutes %}{{ minutes }} min{% endblocktranslate %}{% if note.location %} · {{ note.location }}{% endif %}</p>
      <p class="mb-1 note-excerpt">{% if note.format == "dap" %}{{ note.data|truncatechars:220 }}{% else %}{{ note.free_text|truncatechars:220 }}{% endif %}</p>
      {% if note.goal_links.all %}<p class="small mb-0">{% for link in note.goal_links.all|dictsort:"goal.position" %}<span class="badge text-bg-light border client-words">“{{ link.goal.client_words|truncatechars:60 }}”</span> {% endfor %}</p>{% endif %}
    </div>
  </li>
  {% endfor %}"""
HOSTILE = '<script>alert("x")</script> & \'quoted\''


def note(number, *, contact_type="home_visit", status="signed", fmt="dap", goals=(), **values):
    links = [SimpleNamespace(goal=SimpleNamespace(position=position, client_words=words)) for position, words in goals]
    fields = {
        "pk": f"00000000-0000-0000-0000-00000000000{number}", "contact_type": contact_type,
        "contact_at": datetime(2026, 3, 29, 0, 30 + number, tzinfo=UTC), "status": status, "late_entry": False,
        "addendum_count": 0, "author": SimpleNamespace(display_name="Anna <b>Lindqvist</b>"), "duration_minutes": 45,
        "location": "", "format": fmt, "data": "", "free_text": "", **values,
    }
    item = SimpleNamespace(**fields, goal_links=SimpleNamespace(all=lambda: links))
    item.is_signed = status == "signed"
    item.get_contact_type_display = lambda: ProgressNote.ContactType(contact_type).label
    return item


NOTES = [
    note(1, data=HOSTILE, location=HOSTILE, addendum_count=1, late_entry=True,
         goals=[(2, HOSTILE), (0, "Get back to work " * 8)]),
    note(2, contact_type="phone", status="draft", fmt="free", free_text="Sé " * 120, addendum_count=2, goals=[(1, "Cafe\u0301")]),
    note(3, contact_type="collateral", data="Short.", free_text="not shown"),
]


@pytest.mark.parametrize("language", ["en", "da", "ca", "fr"])
def test_the_rows_are_the_templates_own_html_in_every_language(language):
    with translation.override(language):
        from_template = Template(TEMPLATE_LOOP).render(Context({"notes": NOTES}))
        assert str(note_timeline_rows(NOTES)) == from_template


def test_hostile_text_location_author_and_goal_are_escaped():
    html = note_timeline_rows(NOTES)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27;" in html
    assert "Anna &lt;b&gt;Lindqvist&lt;/b&gt;" in html
    assert '“&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27;”' in html
    assert f'href="{reverse("notes:note", args=[NOTES[0].pk])}"' in html


@pytest.mark.django_db
def test_the_timeline_page_escapes_a_hostile_note(login, case_manager, client_a):
    hostile = ProgressNoteFactory(client=client_a, author=case_manager, data=HOSTILE, location=HOSTILE)
    NoteAddendum.objects.create(note=hostile, client=client_a, author=case_manager, text="x")
    page = login(case_manager).get(reverse("notes:timeline", args=[client_a.pk])).content.decode()
    assert "<script>alert" not in page
    assert page.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27;") == 2
    assert f'href="{reverse("notes:note", args=[hostile.pk])}"' in page and "1 addendum" in page
    assert not NoteGoal.objects.exists() and "client-words" not in page


@pytest.mark.django_db
def test_a_timeline_without_notes_says_so(login, case_manager, client_a):
    browser = login(case_manager)
    url = reverse("notes:timeline", args=[client_a.pk])
    page = browser.get(url).content.decode()
    assert '<ol class="timeline list-unstyled">\n  \n  <li class="text-body-secondary">No contacts recorded yet.</li>\n  \n</ol>' in page
    ProgressNoteFactory(client=client_a, author=case_manager, contact_type="phone")
    page = browser.get(url, {"contact_type": "home_visit"}).content.decode()
    assert '<li class="text-body-secondary">No notes match these filters.</li>' in page and "timeline-note" not in page
