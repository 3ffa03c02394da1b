"""Hostile input: random and hostile values posted to every form.

For each form the test opens the page as its user would, reads the fields the page offers, and posts
them back with some replaced by hostile values (long strings, NUL bytes, unicode, script tags,
spreadsheet formula prefixes, wrong types, several values for one field). Whatever was posted:

- no server error;
- no script stored and rendered unescaped, on the answer or on the pages that show the record;
- nothing partially saved: a form that is refused writes nothing (every change of client data
  leaves an audit entry, so "no change entry" means "no change").

Hypothesis keeps the number of examples per form small (FORM_EXAMPLES) so the suite stays fast; the
values that matter most are always tried (`HOSTILE` is sampled, and `example()` pins the worst).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assessments.models import RiskFlag
from caseload.models import AuditEvent
from tests.careplans.conftest import make_draft
from tests.factories import (
    AssessmentFactory,
    ClientFactory,
    ContactFactory,
    DependantFactory,
    ProgressNoteFactory,
    ReferralFactory,
    ReminderFactory,
    RiskFlagFactory,
    ServiceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FORM_EXAMPLES = 6

SCRIPT = '<script>alert("stored")</script>'
IMAGE = '"><img src=x onerror=alert(1)>'
MARKERS = ("<script>alert(", "<img src=x onerror")

HOSTILE = [
    SCRIPT, IMAGE, "javascript:alert(1)",
    "=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1",
    "\x00", "a\x00b", "x" * 5000, "é" * 2001,
    "\u202eevil\u202c", "🙂" * 80, "\u0000\ufeff\u200b", "Ω≈ç√∫", "ﷺ", "𝕳𝖊𝖑𝖑𝖔",
    "", " ", "-1", "0", "99999999999999999999999", "1e309", "NaN", "2026-02-30", "31/12/2026", "true",
    "null", "[]", "{\"a\": 1}", "../../etc/passwd", "' OR 1=1 --", "%s%s%n", "{{ 7*7 }}", "{% debug %}",
    "00000000-0000-0000-0000-000000000000", "not-a-uuid",
]
ONE_VALUE = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=300))
A_VALUE = st.one_of(ONE_VALUE, st.lists(ONE_VALUE, min_size=2, max_size=3))  # a field sent twice: a wrong type too

CHANGES = ("create", "update", "delete", "sign")
NOT_POSTED = {"csrfmiddlewaretoken"}


class _FormFields(HTMLParser):
    """The named fields of the page's POST forms, with the values the page filled in."""

    def __init__(self, action: str):
        super().__init__()
        self.action = action
        self.forms: list[dict[str, list[str]]] = []
        self._current: dict[str, list[str]] | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if (attrs.get("method") or "get").lower() == "post" and attrs.get("action") in (None, "", self.action):
                self._current = {}
                self.forms.append(self._current)
            return
        if self._current is None or not attrs.get("name") or attrs["name"] in NOT_POSTED:
            return
        name = attrs["name"]
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                self._current.setdefault(name, [])
                return
            if kind in ("submit", "button", "file"):
                return
            self._current.setdefault(name, []).append(attrs.get("value") or ("on" if kind == "checkbox" else ""))
        elif tag == "textarea":
            self._textarea = name
            self._current.setdefault(name, []).append("")
        elif tag == "select":
            self._select, self._select_value = name, None
            self._current.setdefault(name, [])
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._select_value is None or "selected" in attrs:
                self._select_value = value

    def handle_data(self, data):
        if self._textarea and self._current is not None:
            self._current[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select and self._current is not None:
            if self._select_value is not None:
                self._current[self._select] = [self._select_value]
            self._select = None
        elif tag == "form":
            self._current = None


def form_fields(page: str, action: str) -> dict[str, list[str]]:
    parser = _FormFields(action)
    parser.feed(page)
    forms = [form for form in parser.forms if form]
    assert forms, f"no POST form with fields at {action}"
    return max(forms, key=len)  # the page's main form (a page may also carry a small one, e.g. sign out)


@dataclass
class Scene:
    client: object
    case_manager: object
    supervisor: object
    note: object
    signed_note: object
    contact: object
    dependant: object
    reminder: object
    plan: object
    goal: object
    assessment: object
    signed_assessment: object
    flag: object
    service: object
    referral: object


@pytest.fixture
def scene(client_a, case_manager, supervisor, teammate):
    from assessments.services import assessment_sign
    from caseload.notes import note_sign

    plan = make_draft(client_a, case_manager, goals=1)
    unsigned = AssessmentFactory(client=client_a, assessor=case_manager)
    signed_assessment = assessment_sign(assessment=unsigned, by=case_manager, expected_version=unsigned.version)
    unsigned_note = ProgressNoteFactory(client=client_a, author=case_manager)
    return Scene(
        client=client_a, case_manager=case_manager, supervisor=supervisor,
        note=ProgressNoteFactory(client=client_a, author=case_manager),
        signed_note=note_sign(note=unsigned_note, by=case_manager, expected_version=unsigned_note.version),
        contact=ContactFactory(client=client_a, name="Karen Sørensen"),
        dependant=DependantFactory(client=client_a),
        reminder=ReminderFactory(client=client_a, due_on=timezone.localdate() - timedelta(days=1)),
        plan=plan, goal=plan.goals.first(),
        assessment=AssessmentFactory(client=client_a, assessor=case_manager),
        signed_assessment=signed_assessment,
        flag=RiskFlagFactory(client=client_a, raised_by=case_manager),
        service=(service := ServiceFactory()),
        referral=ReferralFactory(client=client_a, service=service, status="sent"),
    )


# (who fills it in, the page with the form, the pages that show what it saves[, where the form posts])
FORMS = {
    "client registration": ("case_manager", lambda s: reverse("clients:register"), lambda s: [reverse("clients:list")]),
    "client record": ("case_manager", lambda s: reverse("clients:edit", args=[s.client.pk]),
                      lambda s: [reverse("clients:detail", args=[s.client.pk])]),
    "client status": ("case_manager", lambda s: reverse("clients:status", args=[s.client.pk]),
                      lambda s: [reverse("clients:history", args=[s.client.pk])]),
    "person around the client (new)": ("case_manager", lambda s: reverse("clients:contact_add", args=[s.client.pk]),
                                       lambda s: [reverse("clients:detail", args=[s.client.pk])]),
    "person around the client": ("case_manager", lambda s: reverse("clients:contact_edit", args=[s.contact.pk]),
                                 lambda s: [reverse("clients:detail", args=[s.client.pk])]),
    "dependant (new)": ("case_manager", lambda s: reverse("clients:dependant_add", args=[s.client.pk]),
                        lambda s: [reverse("clients:detail", args=[s.client.pk])]),
    "dependant": ("case_manager", lambda s: reverse("clients:dependant_edit", args=[s.dependant.pk]),
                  lambda s: [reverse("clients:detail", args=[s.client.pk])]),
    "progress note (new)": ("case_manager", lambda s: reverse("notes:new", args=[s.client.pk]),
                            lambda s: [reverse("notes:timeline", args=[s.client.pk])]),
    "progress note (draft)": ("case_manager", lambda s: reverse("notes:edit", args=[s.note.pk]),
                              lambda s: [reverse("notes:note", args=[s.note.pk])]),
    "note addendum": ("case_manager", lambda s: reverse("notes:note", args=[s.signed_note.pk]),
                      lambda s: [reverse("notes:note", args=[s.signed_note.pk])],
                      lambda s: reverse("notes:addendum", args=[s.signed_note.pk])),
    "task snooze": ("case_manager", lambda s: reverse("caseload:tasks"), lambda s: [reverse("caseload:tasks")],
                    lambda s: reverse("caseload:reminder_snooze", args=[s.reminder.pk])),
    "client search": ("case_manager", lambda s: reverse("clients:list"), lambda s: [reverse("clients:list")]),
    "caseload move (preview)": ("supervisor", lambda s: reverse("reassignment:caseload", args=[s.case_manager.pk]),
                                lambda s: [reverse("reassignment:caseload", args=[s.case_manager.pk])],
                                lambda s: reverse("reassignment:preview", args=[s.case_manager.pk])),
    "reassignment": ("supervisor", lambda s: reverse("caseload:assign", args=[s.client.pk]),
                     lambda s: [reverse("clients:detail", args=[s.client.pk])]),
    "care plan": ("case_manager", lambda s: reverse("careplans:edit", args=[s.plan.pk]),
                  lambda s: [reverse("careplans:plan", args=[s.plan.pk])]),
    "care plan goal (new)": ("case_manager", lambda s: reverse("careplans:goal_add", args=[s.plan.pk]),
                             lambda s: [reverse("careplans:plan", args=[s.plan.pk])]),
    "care plan goal": ("case_manager", lambda s: reverse("careplans:goal_edit", args=[s.goal.pk]),
                       lambda s: [reverse("careplans:plan", args=[s.plan.pk])]),
    "screening instrument": ("case_manager", lambda s: reverse("assessments:administer", args=[s.client.pk, "phq9"]),
                             lambda s: [reverse("assessments:instruments", args=[s.client.pk])]),
    "risk flag": ("case_manager", lambda s: reverse("assessments:risk_flag_add", args=[s.client.pk]),
                  lambda s: [reverse("clients:detail", args=[s.client.pk])]),
    "risk flag cleared": ("supervisor", lambda s: reverse("assessments:risk_flag_clear", args=[s.flag.pk]),
                          lambda s: [reverse("clients:detail", args=[s.client.pk])]),
    "assessment": ("case_manager", lambda s: reverse("assessments:assessment_edit", args=[s.assessment.pk]),
                   lambda s: [reverse("assessments:assessment", args=[s.assessment.pk])]),
    "assessment addendum": ("case_manager", lambda s: reverse("assessments:assessment", args=[s.signed_assessment.pk]),
                            lambda s: [reverse("assessments:assessment", args=[s.signed_assessment.pk])],
                            lambda s: reverse("assessments:assessment_addendum", args=[s.signed_assessment.pk])),
    "consent (new)": ("case_manager", lambda s: reverse("clients:consent_add", args=[s.client.pk]),
                      lambda s: [reverse("clients:consents", args=[s.client.pk])]),
    "referral (new)": ("case_manager", lambda s: reverse("referrals:new", args=[s.client.pk]) + f"?service={s.service.pk}",
                       lambda s: [reverse("referrals:referrals", args=[s.client.pk])]),
    "referral status": ("case_manager", lambda s: reverse("referrals:referral", args=[s.referral.pk]),
                        lambda s: [reverse("referrals:referral", args=[s.referral.pk])],
                        lambda s: reverse("referrals:status", args=[s.referral.pk])),
    "emergency access": ("case_manager", lambda s: reverse("clients:emergency_access"), lambda s: [reverse("clients:list")]),
}


def _post_target(form: tuple, scene: Scene) -> tuple[str, str]:
    """Where the form is shown, and where it posts (a small form on another page posts elsewhere)."""
    shown = form[1](scene)
    return shown, form[3](scene) if len(form) == 4 else shown


def _reset(form_name: str, scene: Scene) -> None:
    """Put back what an accepted example used up, so the next one finds its form again."""
    from caseload.models import Reminder

    if form_name == "task snooze":
        Reminder.objects.filter(pk=scene.reminder.pk).update(status="open", snoozed_until=None)
    elif form_name == "risk flag cleared":
        RiskFlag.objects.filter(pk=scene.flag.pk).update(cleared_at=None, cleared_by=None, clear_reason="")


def _changes() -> int:
    return AuditEvent.objects.filter(action__in=CHANGES).count()


def _assert_escaped(page: str, where: str) -> None:
    for marker in MARKERS:
        assert marker not in page, f"{where} shows {marker!r} unescaped"


@pytest.mark.parametrize("form_name", sorted(FORMS))
def test_hostile_values_cause_no_error_no_script_and_no_partial_save(form_name, scene, client, login):
    form = FORMS[form_name]
    user = getattr(scene, form[0])
    login(user)
    shown, target = _post_target(form, scene)

    @settings(max_examples=FORM_EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(data=st.data())
    @example(data=None)
    def post_hostile_values(data):
        _reset(form_name, scene)
        page = client.get(shown)
        assert page.status_code == 200, f"{shown} answered {page.status_code}"
        fields = form_fields(page.content.decode(), target)
        names = sorted(fields)
        if data is None:  # the pinned example: every field at once, script and NUL
            hostile = {name: [SCRIPT + "\x00" + IMAGE] for name in names}
        else:
            chosen = data.draw(st.sets(st.sampled_from(names), min_size=1, max_size=min(4, len(names))), label="fields")
            hostile = {name: data.draw(A_VALUE, label=name) for name in sorted(chosen)}
            hostile = {name: value if isinstance(value, list) else [value] for name, value in hostile.items()}
        posted = {**fields, **hostile}
        changes_before = _changes()

        response = client.post(target, posted)

        assert response.status_code < 500
        _assert_escaped(response.content.decode(errors="replace"), target)
        if response.status_code == 200:
            assert _changes() == changes_before, f"{target} refused the form but saved part of it"
        for url in form[2](scene):
            shown_page = client.get(url)
            assert shown_page.status_code == 200
            _assert_escaped(shown_page.content.decode(), url)

    post_hostile_values()


def test_the_hostile_values_reach_the_database_escaped_not_refused_where_text_is_free(scene, client):
    """A control for the walk above: a script in a free-text field is kept as text and shown escaped."""
    client.force_login(scene.case_manager)
    url = reverse("clients:contact_add", args=[scene.client.pk])
    fields = form_fields(client.get(url).content.decode(), url)
    response = client.post(url, {**fields, "name": SCRIPT, "role": fields.get("role") or ["family"]})
    assert response.status_code == 302
    page = client.get(reverse("clients:detail", args=[scene.client.pk])).content.decode()
    assert "&lt;script&gt;alert(&quot;stored&quot;)&lt;/script&gt;" in page
    _assert_escaped(page, "client record")


def test_a_nul_byte_is_refused_beside_the_field_not_a_server_error(scene, client):
    client.force_login(scene.case_manager)
    url = reverse("clients:edit", args=[scene.client.pk])
    fields = form_fields(client.get(url).content.decode(), url)
    response = client.post(url, {**fields, "city": "Aar\x00hus"})
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    scene.client.refresh_from_db()
    assert scene.client.city == ""


def test_the_csv_export_defuses_formula_prefixes(client, login, supervisor, case_manager):
    ClientFactory(case_manager=UserFactory(username="formula", first_name="=HYPERLINK(1)", last_name="+x",
                                           teams=list(case_manager.teams.all())))
    login(supervisor)
    response = client.get(reverse("supervision:export_csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in body  # the case manager is listed, the formula neutralised
    cells = [cell for line in body.splitlines() for cell in line.split(",")]
    assert not any(cell.lstrip('"').startswith(("=", "+", "-", "@")) for cell in cells if cell), body


def test_a_flag_raised_with_a_script_as_reason_is_shown_escaped(scene, client):
    RiskFlag.objects.filter(pk=scene.flag.pk).update(reason=SCRIPT)
    client.force_login(scene.case_manager)
    page = client.get(reverse("clients:detail", args=[scene.client.pk])).content.decode()
    _assert_escaped(page, "client record")
