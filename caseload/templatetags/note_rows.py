"""The notes of a client's timeline, 20 a page, each with its badges, excerpt and goals.

Built with the standard library's escaping rather than the template language (the loop over the
notes was most of the page's template time); every value from the database is escaped and the HTML
is the template's own, to the character. The texts are the template's msgids.
"""

import unicodedata
from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext

from caseload.models import ProgressNote
from caseload.short_dates import ShortDateTimes

register = template.Library()
PLACEHOLDER = "00000000-0000-0000-0000-000000000000"

NOTE = (
    '\n  <li class="card mb-2 timeline-note">\n'
    '    <div class="card-body py-2">\n'
    '      <div class="d-flex flex-wrap justify-content-between gap-2">\n'
    '        <a class="fw-semibold" href="{link}">{contact_type} · {when}</a>\n'
    "        <span>{status}\n"
    "          {late}\n"
    "          {addenda}</span>\n"
    "      </div>\n"
    '      <p class="small text-body-secondary mb-1">{author} · {minutes}{location}</p>\n'
    '      <p class="mb-1 note-excerpt">{excerpt}</p>\n'
    "      {goals}\n"
    "    </div>\n"
    "  </li>\n"
    "  "
)
GOAL = '<span class="badge text-bg-light border client-words">“{words}”</span> '


def truncated(text: str, length: int) -> str:
    """The `truncatechars` filter's result: a text no longer than `length` comes back as it is (in NFC)."""
    if len(text) <= length:
        return unicodedata.normalize("NFC", text)
    return Truncator(text).chars(length)


@register.simple_tag
def note_timeline_rows(notes) -> SafeString:
    """One `<li>` a note; each note carries `addendum_count`, its author and its goal links (prefetched)."""
    link = reverse("notes:note", args=[PLACEHOLDER])
    contact_types = {value: escape(str(label)) for value, label in ProgressNote.ContactType.choices}
    signed = f'<span class="badge status-badge status-active">{escape(gettext("Signed"))}</span>'
    draft = f'<span class="badge status-badge status-referred">{escape(gettext("Draft"))}</span>'
    late = f'<span class="badge text-bg-warning">{escape(gettext("Late entry"))}</span>'
    when = ShortDateTimes()
    rows = []
    for note in notes:
        addenda = ""
        if note.addendum_count:
            count = note.addendum_count
            addenda = '<span class="badge text-bg-light border">{}</span>'.format(
                ngettext("%(counter)s addendum", "%(counter)s addenda", count) % {"counter": count}
            )
        goals = ""
        links = note.goal_links.all()
        if links:
            words = "".join(
                GOAL.format(words=escape(truncated(each.goal.client_words, 60)))
                for each in sorted(links, key=lambda each: each.goal.position)
            )
            goals = f'<p class="small mb-0">{words}</p>'
        rows.append(NOTE.format(
            link=link.replace(PLACEHOLDER, str(note.pk)),
            contact_type=contact_types.get(note.contact_type) or escape(str(note.contact_type)),
            when=escape(when(note.contact_at)),
            status=signed if note.is_signed else draft,
            late=late if note.late_entry else "",
            addenda=addenda,
            author=escape(note.author.display_name),
            minutes=gettext("%(minutes)s min") % {"minutes": note.duration_minutes},
            location=f" · {escape(note.location)}" if note.location else "",
            excerpt=escape(truncated(note.data if note.format == "dap" else note.free_text, 220)),
            goals=goals,
        ))
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped
