"""The care-plan PDF: what it says, and the task that renders it once, and only once, however often it runs."""

import hashlib
import os
import subprocess
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from careplans import tasks
from careplans.models import CarePlan, PlanDocument, Signature
from careplans.services import goal_save, plan_save, plan_send_for_signatures, plan_start, signature_record
from clients.models import ClientContact
from tests.factories import ClientFactory, ContactFactory

# What signature_pad's toSVG() gives once careplans.signature_payload has rebuilt it.
SIGNATURE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="200" viewBox="0 0 600 200">'
    '<path d="M40 150C80 40 120 40 150 120S220 180 260 90L300 140C340 60 380 60 420 130L560 110" '
    'fill="none" stroke="#1b1f3a" stroke-width="4" stroke-linecap="round" stroke-linejoin="round"/>'
    '<path d="M180 60L200 170M470 70C500 100 520 150 540 160" fill="none" stroke="#1b1f3a" stroke-width="3" '
    'stroke-linecap="round"/></svg>'
)


@dataclass(frozen=True)
class DrawnSignature:
    """Stands in for careplans.signature_payload.CleanSignature: what the tablet's pad gives."""

    svg: str = SIGNATURE_SVG
    png: bytes = b""


SAFETY_PLAN = {
    "title": "Getting settled and staying well",
    "client_summary": (
        "I want a place of my own where my daughter can stay every other weekend. I want to feel less "
        "alone in the evenings, and to know what to do when the bad nights come, so that I don't end up "
        "in hospital again."
    ),
    "warning_signs": "Not sleeping for two nights in a row\nStaying in bed and not answering the phone\n"
                     "Thinking that Ellen would be better off without me",
    "coping_strategies": "Walk the dog along the harbour\nCold shower, then make tea\nRepair a bike in the shed",
    "distractions": "The bike workshop at Folkets Hus (Tuesdays and Thursdays)\nCoffee with Jens from the workshop",
    "help_contacts": "Karen (sister): 20 11 22 33\nJens: 31 44 55 66",
    "professional_contacts": "Case manager Anna Lindqvist: 70 20 30 40 (weekdays 8–16)\n"
                             "Psychiatric emergency room, Bispebjerg: 38 64 70 00 (day and night)\n"
                             "Livslinien crisis line: 70 201 201\nEmergency: 112",
    "safe_environment": "Karen keeps my medication and gives me a week at a time\nNo alcohol in the flat",
    "reasons_for_living": "My daughter Ellen\nThe dog\nGetting back to work with bikes",
}

GOALS = [
    {
        "values": {
            "area": "housing",
            "client_words": "I want a flat of my own, where Ellen can stay with me.",
            "description": "Move from the shelter to a one- or two-room flat in Nørrebro or Nordvest before the "
                           "winter, with the rent covered by housing benefit.",
        },
        "objectives": [
            ("On the waiting lists of two housing associations", 21),
            ("Housing benefit application sent, with a copy of the lease", 60),
            ("Moved in, with furniture from the reuse centre", 120),
        ],
        "actions": [
            ("Fill in the applications to KAB and AKB together", "case_manager", "", 14),
            ("Ask the shelter for a letter confirming his stay", "client", "", 10),
            ("Check the rent against what benefits will cover", "provider", "Citizens' Advice, Nørrebro", 30),
        ],
    },
    {
        "values": {
            "area": "mental_health",
            "client_words": "I want to sleep through the night and not dread the evenings.",
            "description": "Keep the appointments with the psychiatrist, take the medication as agreed, and try "
                           "the evening routine we talked about.",
        },
        "objectives": [
            ("Sleeping at least six hours on most nights, by his own sleep diary", 45),
            ("PHQ-9 under 10 at the review", 90),
        ],
        "actions": [
            ("Keep a sleep diary on the phone and bring it to each visit", "client", "", None),
            ("Book the medication review with Dr. Holm", "case_manager", "", 7),
            ("Medication review and adjustment", "provider", "Dr. Holm, outpatient psychiatry", 28),
        ],
    },
    {
        "values": {
            "area": "relationships",
            "client_words": "Ellen should be able to count on me again.",
            "description": "Regular, planned time with his daughter, agreed with her mother.",
        },
        "objectives": [("Every other weekend with Ellen, agreed in writing", 60)],
        "actions": [
            ("Call Ellen's mother to agree on weekends", "client", "", 14),
            ("Family meeting at the office, if both parents want one", "family", "Karen (sister)", 30),
        ],
    },
]


def make_signed_plan(*, client, case_manager, supervisor, nominated_person: str | None = "Karen Sørensen") -> CarePlan:
    """A realistic version signed by everyone it asks for: client on the tablet, the nominated person
    declining, the case manager and the supervisor electronically. Activation queues the PDF."""
    team = client.team
    team.plan_cosignature_required = True
    team.save()
    if nominated_person:
        ContactFactory(
            client=client, role=ClientContact.Role.NOMINATED_PERSON, name=nominated_person,
            relationship="Sister", consents_to_involvement=True,
        )
    plan = plan_start(
        client=client, by=case_manager,
        strengths="Loves his daughter and wants to be there for her\nGood with his hands: repairs bikes\n"
                  "Keeps appointments when reminded\nHis sister Karen supports him",
    )
    plan = plan_save(plan=plan, by=case_manager, expected_version=plan.version, values=SAFETY_PLAN)
    today = timezone.localdate()
    for goal in GOALS:
        plan.refresh_from_db()
        goal_save(
            plan=plan, by=case_manager, expected_version=plan.version, goal=None, values=goal["values"],
            objectives=[{"text": text, "target_date": today + timedelta(days=days)} for text, days in goal["objectives"]],
            actions=[
                {"text": text, "who": who, "who_name": name, "due_on": today + timedelta(days=days) if days else None}
                for text, who, name, days in goal["actions"]
            ],
        )
    plan.refresh_from_db()
    plan = plan_send_for_signatures(plan=plan, by=case_manager, expected_version=plan.version)
    signature_record(plan=plan, role=Signature.Role.CLIENT, witness=case_manager, device="tablet", image=DrawnSignature())
    if nominated_person:
        signature_record(
            plan=plan, role=Signature.Role.NOMINATED_PERSON, witness=case_manager, device="tablet", declined=True,
            decline_reason="Was not at the meeting; a copy will be sent to her",
        )
    signature_record(
        plan=plan, role=Signature.Role.CASE_MANAGER, witness=case_manager, signer_user=case_manager, device="browser"
    )
    signature_record(
        plan=plan, role=Signature.Role.SUPERVISOR, witness=supervisor, signer_user=supervisor, device="browser"
    )
    plan.refresh_from_db()
    assert plan.status == CarePlan.Status.ACTIVE
    return plan


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout


def files_under(root) -> list[str]:
    return sorted(os.path.relpath(os.path.join(folder, name), root) for folder, _, names in os.walk(root) for name in names)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "private-files")
    return tmp_path / "private-files"


@pytest.fixture
def plan(client_a, case_manager, supervisor):
    client_a.preferred_language = "en"  # the words the assertions look for; other languages below
    client_a.save()
    return make_signed_plan(client=client_a, case_manager=case_manager, supervisor=supervisor)


@pytest.fixture
def document(plan):
    return PlanDocument.objects.get(plan=plan)


# --- What the PDF says -------------------------------------------------------------------------


@pytest.mark.pdftotext
def test_it_prints_the_plan_the_signers_and_the_hash_on_every_page(media, plan, document):
    assert document.status == PlanDocument.Status.QUEUED

    assert tasks.render_plan_pdf(str(document.pk)) is True

    document.refresh_from_db()
    text = pdf_text(default_storage.path(document.file.name))
    flat = " ".join(text.split())
    assert "Riverside Community Mental Health" in flat  # settings.AGENCY_NAME
    assert "Mikkel Sørensen" in flat and plan.client.client_number in flat
    assert "I want a flat of my own, where Ellen can stay with me." in flat
    assert "I want to sleep through the night and not dread the evenings." in flat
    assert "Ellen should be able to count on me again." in flat
    assert "Fill in the applications to KAB and AKB together" in flat
    assert "Outside provider: Dr. Holm, outpatient psychiatry" in flat
    assert "Livslinien crisis line: 70 201 201" in flat
    assert "My daughter Ellen" in flat
    assert "Anna Lindqvist" in flat and "Helle Nørgaard" in flat
    assert "Signed electronically" in flat
    assert "Declined to sign: Was not at the meeting; a copy will be sent to her" in flat
    assert "UTC" in flat
    pages = text.count("\f")
    assert pages >= 2
    for page in range(1, pages + 1):
        assert f"page {page} of {pages}" in flat
    assert flat.count(plan.content_hash) == pages


@pytest.mark.pdftotext
@pytest.mark.parametrize("language, born", [("de", "12 April 1991"), ("fr", "12 avril 1991"), ("da", "12. april 1991")])
def test_it_is_in_the_clients_language_only_where_the_product_has_it(
    media, case_manager, supervisor, language, born
):
    # The product has French and Danish catalogues (locale/), not German: a German speaker's PDF is in English.
    client = ClientFactory(
        legal_given_name="Amélie", legal_family_name="Roux", date_of_birth="1991-04-12", preferred_language=language,
        case_manager=case_manager,
    )
    plan = make_signed_plan(client=client, case_manager=case_manager, supervisor=supervisor, nominated_person=None)
    document = PlanDocument.objects.get(plan=plan)

    tasks.render_plan_pdf(str(document.pk))

    document.refresh_from_db()
    assert born in " ".join(pdf_text(default_storage.path(document.file.name)).split())


@pytest.mark.pdftotext
def test_it_prints_what_was_typed_as_text_never_as_markup(media, case_manager, supervisor, monkeypatch):
    monkeypatch.setitem(SAFETY_PLAN, "client_summary", 'Me & Ellen <img src="file:///etc/hostname"> <b>together</b>')
    client = ClientFactory(preferred_language="en", case_manager=case_manager)
    plan = make_signed_plan(client=client, case_manager=case_manager, supervisor=supervisor, nominated_person=None)
    document = PlanDocument.objects.get(plan=plan)

    tasks.render_plan_pdf(str(document.pk))

    document.refresh_from_db()
    text = " ".join(pdf_text(default_storage.path(document.file.name)).split())
    assert 'Me & Ellen <img src="file:///etc/hostname"> <b>together</b>' in text


# --- Rendered once, whatever happens -----------------------------------------------------------


def test_it_renders_once_when_the_task_runs_twice(media, plan, document):
    assert tasks.render_plan_pdf(str(document.pk)) is True
    document.refresh_from_db()
    first = (document.file.name, document.sha256, document.size, document.finished_at)

    assert tasks.render_plan_pdf(str(document.pk)) is False

    document.refresh_from_db()
    assert (document.file.name, document.sha256, document.size, document.finished_at) == first
    assert document.status == PlanDocument.Status.READY
    assert document.attempts == 1
    assert PlanDocument.objects.filter(plan=plan).count() == 1
    assert files_under(media) == [f"careplans/{plan.client_id}/{plan.pk}-v{plan.number}.pdf"]
    stored = (media / document.file.name).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == document.sha256 and len(stored) == document.size
    assert stored.startswith(b"%PDF-")


def test_a_run_that_finishes_second_leaves_the_first_runs_file(media, plan, document, monkeypatch):
    """Two deliveries of one message render side by side: the row and its file stay the first finisher's."""
    render = tasks.render_plan_pdf_bytes
    finishers = []

    def render_while_another_run_finishes(plan):
        if not finishers:
            finishers.append("other")
            assert tasks.render_plan_pdf(str(document.pk)) is True  # the other run, start to finish
            return render(plan) + b"% this run\n"
        return render(plan) + b"% the other run\n"

    monkeypatch.setattr(tasks, "render_plan_pdf_bytes", render_while_another_run_finishes)
    assert tasks.render_plan_pdf(str(document.pk)) is False

    document.refresh_from_db()
    assert document.status == PlanDocument.Status.READY and document.attempts == 2
    assert files_under(media) == [document.file.name]
    stored = (media / document.file.name).read_bytes()
    assert stored.endswith(b"% the other run\n")
    assert hashlib.sha256(stored).hexdigest() == document.sha256


def test_a_file_left_by_a_run_that_died_before_its_commit_is_replaced(media, plan, document):
    tasks.render_plan_pdf(str(document.pk))
    document.refresh_from_db()
    path = media / document.file.name
    path.write_bytes(b"%PDF- left behind")
    PlanDocument.objects.filter(pk=document.pk).update(status=PlanDocument.Status.RENDERING, sha256="", size=0)

    assert tasks.render_plan_pdf(str(document.pk)) is True

    document.refresh_from_db()
    assert files_under(media) == [document.file.name]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == document.sha256
    assert path.read_bytes() != b"%PDF- left behind"


def test_a_failed_render_is_recorded_and_the_retry_succeeds(media, plan, document, monkeypatch):
    def broken(plan):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tasks, "render_plan_pdf_bytes", broken)
    with pytest.raises(OSError):
        tasks.render_plan_pdf(str(document.pk))

    document.refresh_from_db()
    assert document.status == PlanDocument.Status.QUEUED  # retried with backoff, and by the sweep if the retry is lost
    assert document.error == "OSError ENOSPC on attempt 1 of 5"
    assert "Sørensen" not in document.error and files_under(media) == []

    monkeypatch.undo()
    assert tasks.render_plan_pdf(str(document.pk)) is True

    document.refresh_from_db()
    assert (document.status, document.attempts, document.error) == (PlanDocument.Status.READY, 2, "")
    assert files_under(media) == [document.file.name]


def test_an_error_that_a_retry_cannot_fix_fails_at_once(media, plan, document, monkeypatch):
    def broken(plan):
        raise ValueError(f"cannot lay out {plan.client.full_name}")

    monkeypatch.setattr(tasks, "render_plan_pdf_bytes", broken)
    with pytest.raises(ValueError):
        tasks.render_plan_pdf(str(document.pk))

    document.refresh_from_db()
    assert document.status == PlanDocument.Status.FAILED
    assert document.error == "ValueError on attempt 1 of 5"  # the message may name the client: not kept
    assert document.finished_at is not None


def test_it_gives_up_after_the_last_attempt(media, plan, document, monkeypatch):
    calls = []

    def broken(plan):
        calls.append(plan.pk)
        raise OSError("the disk went away")

    monkeypatch.setattr(tasks, "render_plan_pdf_bytes", broken)
    for _attempt in range(PlanDocument.MAX_ATTEMPTS):
        with pytest.raises(OSError):
            tasks.render_plan_pdf(str(document.pk))
    document.refresh_from_db()
    assert document.status == PlanDocument.Status.FAILED
    assert document.attempts == PlanDocument.MAX_ATTEMPTS
    assert document.error == f"OSError on attempt {PlanDocument.MAX_ATTEMPTS} of {PlanDocument.MAX_ATTEMPTS}"

    assert tasks.render_plan_pdf(str(document.pk)) is False  # a redelivered message: no sixth attempt

    assert len(calls) == PlanDocument.MAX_ATTEMPTS
    document.refresh_from_db()
    assert document.status == PlanDocument.Status.FAILED and files_under(media) == []


def test_no_temporary_file_remains_when_writing_fails(media, plan, document, monkeypatch):
    def failing_replace(source, target):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(tasks.os, "replace", failing_replace)
    with pytest.raises(OSError):
        tasks.render_plan_pdf(str(document.pk))

    assert files_under(media) == []
    document.refresh_from_db()
    assert document.status == PlanDocument.Status.QUEUED and document.error == "OSError EIO on attempt 1 of 5"


# --- The sweep that makes up for a lost message ------------------------------------------------


@pytest.fixture
def queued(monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.render_plan_pdf, "delay", lambda document_id: sent.append(document_id))
    return sent


def test_the_sweep_queues_stale_documents_again_and_nothing_else(
    media, queued, case_manager, supervisor, django_assert_max_num_queries
):
    now = timezone.now()
    documents = {}
    for name in ("fresh", "lost", "rendering", "killed", "ready", "failed", "exhausted"):
        client = ClientFactory(case_manager=case_manager)
        plan = make_signed_plan(client=client, case_manager=case_manager, supervisor=supervisor, nominated_person=None)
        documents[name] = PlanDocument.objects.get(plan=plan)
    queued.clear()  # what activation itself queued
    minutes = lambda n: now - timedelta(minutes=n)  # noqa: E731
    updates = {
        "fresh": {"queued_at": minutes(1)},
        "lost": {"queued_at": minutes(3)},
        "rendering": {"status": "rendering", "queued_at": minutes(30), "started_at": minutes(2), "attempts": 1},
        "killed": {"status": "rendering", "queued_at": minutes(30), "started_at": minutes(11), "attempts": 1},
        "ready": {"status": "ready", "queued_at": minutes(30), "started_at": minutes(30), "attempts": 1},
        "failed": {"status": "failed", "queued_at": minutes(30), "attempts": 1},
        "exhausted": {"status": "rendering", "queued_at": minutes(30), "started_at": minutes(11), "attempts": 5},
    }
    for name, values in updates.items():
        PlanDocument.objects.filter(pk=documents[name].pk).update(**values)

    with django_assert_max_num_queries(5):  # savepoint, find, requeue, give up, release: not one per row
        assert tasks.requeue_stale_documents() == 2

    assert sorted(queued) == sorted([str(documents["lost"].pk), str(documents["killed"].pk)])
    killed = PlanDocument.objects.get(pk=documents["killed"].pk)
    assert killed.status == PlanDocument.Status.QUEUED and killed.queued_at >= now
    exhausted = PlanDocument.objects.get(pk=documents["exhausted"].pk)
    assert exhausted.status == PlanDocument.Status.FAILED
    assert exhausted.error == "gave up after 5 attempts"
    assert PlanDocument.objects.get(pk=documents["rendering"].pk).status == PlanDocument.Status.RENDERING

    queued.clear()
    assert tasks.requeue_stale_documents() == 0  # what it queued counts as fresh again
    assert queued == []


def test_the_sweep_waits_as_long_as_it_is_told(media, queued, plan, document):
    PlanDocument.objects.filter(pk=document.pk).update(
        status=PlanDocument.Status.RENDERING, started_at=timezone.now(), attempts=1
    )
    queued.clear()

    assert tasks.requeue_stale_documents() == 0
    assert tasks.requeue_stale_documents(rendering_for_seconds=0) == 1

    assert queued == [str(document.pk)]


def test_the_beat_schedule_runs_the_sweep_every_minute(settings):
    entries = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values()
               if entry["task"] == "careplans.tasks.requeue_stale_documents"]
    assert len(entries) == 1 and entries[0]["schedule"] == 60

