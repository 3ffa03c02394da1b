"""Progress notes: recording a contact, drafts saved as typed, signing and locking, addenda, the timeline."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caseload import notes
from caseload.models import AgencySettings, AuditEvent, NoteAddendum, NoteGoal, NoteLocked, ProgressNote
from tests.careplans.conftest import make_draft, sign_all
from tests.factories import ContactFactory, ProgressNoteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pdf_queued_not_rendered(monkeypatch):
    monkeypatch.setattr("careplans.tasks.render_plan_pdf.delay", lambda document_id: None)


def _form(**overrides):
    when = timezone.localtime() - timedelta(hours=1)
    return {
        "contact_at": when.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "45", "contact_type": "home_visit",
        "location": "His flat", "participants": "", "format": "dap",
        "data": "He showed me the letter from the housing association.",
        "assessment": "Hopeful; sleeping better. No risk indicators today.",
        "plan": "Call the housing association together on Monday.",
        "free_text": "", "next_steps": "", "follow_up_on": "", **overrides,
    }


@pytest.fixture
def active_plan(client_a, case_manager):
    from careplans import services

    ContactFactory(client=client_a, name="Sofie Sørensen", role="nominated_person", consents_to_involvement=True)
    plan = make_draft(client_a, case_manager)
    plan = services.plan_send_for_signatures(plan=plan, by=case_manager, expected_version=plan.version)
    return sign_all(plan, case_manager)


class TestRecordingAContact:
    def test_the_form_opens_with_the_contact_ready_to_type(self, login, case_manager, client_a):
        page = login(case_manager).get(reverse("notes:new", args=[client_a.pk])).content.decode()
        assert "Record a contact" in page and '<option value="home_visit" selected>' in page
        assert 'value="30"' in page and "data-autosave" in page

    def test_save_and_sign_records_a_signed_note(self, login, case_manager, client_a):
        response = login(case_manager).post(reverse("notes:new", args=[client_a.pk]), {**_form(), "sign": "1"})
        note = ProgressNote.objects.get(client=client_a)
        assert response.url == reverse("notes:note", args=[note.pk])
        assert note.is_signed and note.signed_name == "Anna Lindqvist" and len(note.content_hash) == 64
        assert not note.late_entry and note.duration_minutes == 45

    def test_the_goals_offered_are_those_of_the_plan_in_force(self, login, case_manager, client_a, active_plan):
        goal = active_plan.goals.order_by("position").first()
        browser = login(case_manager)
        page = browser.get(reverse("notes:new", args=[client_a.pk])).content.decode()
        assert "I want to see my daughter every other weekend" in page
        browser.post(reverse("notes:new", args=[client_a.pk]), {**_form(), "goals": [str(goal.pk)]})
        assert list(NoteGoal.objects.values_list("goal_id", flat=True)) == [goal.pk]

    def test_a_goal_of_another_plan_is_refused(self, case_manager, client_a, client_b, outsider):
        other = make_draft(client_b, outsider, goals=1).goals.first()
        with pytest.raises(Exception, match="care plan in force"):
            notes.note_create(client=client_a, by=case_manager, values={}, goal_ids=[other.pk])

    def test_missing_parts_are_named_beside_the_fields_and_the_draft_is_kept(self, login, case_manager, client_a):
        response = login(case_manager).post(
            reverse("notes:new", args=[client_a.pk]), {**_form(assessment="", plan=""), "sign": "1"}
        )
        page = response.content.decode()
        assert page.count("Write this part before signing.") == 2
        assert "He showed me the letter from the housing association." in page
        note = ProgressNote.objects.get(client=client_a)
        assert note.status == "draft" and note.data.startswith("He showed me")
        assert f'action="{reverse("notes:edit", args=[note.pk])}"' in page

    @pytest.mark.parametrize("overrides, message", [
        ({"duration_minutes": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"duration_minutes": "abc"}, "Enter a whole number."),
        ({"contact_at": "tomorrow"}, "Enter a valid date/time."),
        ({"contact_type": "teleport"}, "Select a valid choice."),
    ])
    def test_bad_input_gets_a_message_and_nothing_typed_is_lost(self, login, case_manager, client_a, overrides, message):
        page = login(case_manager).post(reverse("notes:new", args=[client_a.pk]), _form(**overrides)).content.decode()
        assert message in page and "He showed me the letter" in page
        assert not ProgressNote.objects.exists()

    def test_a_contact_in_the_future_is_refused(self, login, case_manager, client_a):
        later = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
        page = login(case_manager).post(reverse("notes:new", args=[client_a.pk]), _form(contact_at=later)).content.decode()
        assert "The contact cannot be in the future." in page


class TestDraftsSavedAsTyped:
    def test_the_first_automatic_save_makes_the_draft_and_gives_its_address(self, login, case_manager, client_a):
        browser = login(case_manager)
        response = browser.post(reverse("notes:new", args=[client_a.pk]), _form(), headers={"X-Autosave": "1"})
        note = ProgressNote.objects.get(client=client_a)
        assert response.json()["url"] == reverse("notes:edit", args=[note.pk])
        assert response.json()["version"] == 1
        again = browser.post(reverse("notes:edit", args=[note.pk]), {**_form(data="More."), "version": "1"},
                             headers={"X-Autosave": "1"})
        assert again.json()["version"] == 2
        assert ProgressNote.objects.get().data == "More."

    def test_an_automatic_save_on_a_note_signed_elsewhere_stops_with_a_message(self, login, case_manager, client_a):
        note = ProgressNoteFactory(client=client_a, author=case_manager)
        notes.note_sign(note=note, by=case_manager, expected_version=note.version)
        response = login(case_manager).post(reverse("notes:edit", args=[note.pk]), {**_form(), "version": "2"},
                                            headers={"X-Autosave": "1"})
        assert response.status_code == 409 and "signed elsewhere" in response.json()["error"]

    def test_a_stale_automatic_save_is_refused(self, login, case_manager, client_a):
        note = ProgressNoteFactory(client=client_a, author=case_manager)
        browser = login(case_manager)
        browser.post(reverse("notes:edit", args=[note.pk]), {**_form(), "version": "1"})
        response = browser.post(reverse("notes:edit", args=[note.pk]), {**_form(data="Old tab"), "version": "1"},
                                headers={"X-Autosave": "1"})
        assert response.status_code == 409 and "saved changes to this record" in response.json()["error"]
        assert ProgressNote.objects.get().data != "Old tab"

    def test_only_the_author_changes_a_draft(self, case_manager, supervisor, client_a):
        note = ProgressNoteFactory(client=client_a, author=case_manager)
        with pytest.raises(Exception, match="Only the author"):
            notes.note_save_draft(note=note, by=supervisor, expected_version=1, values={"data": "x"})


class TestSignedIsFinal:
    @pytest.fixture
    def signed(self, case_manager, client_a):
        note = ProgressNoteFactory(client=client_a, author=case_manager)
        return notes.note_sign(note=note, by=case_manager, expected_version=note.version)

    def test_the_edit_form_of_a_signed_note_is_refused(self, login, case_manager, signed):
        browser = login(case_manager)
        response = browser.get(reverse("notes:edit", args=[signed.pk]), follow=True)
        assert "This note is signed and cannot be changed. Add an addendum instead." in response.content.decode()
        browser.post(reverse("notes:edit", args=[signed.pk]), {**_form(data="Rewritten"), "version": signed.version})
        assert ProgressNote.objects.get(pk=signed.pk).data == "Met at home. Flat tidy; he had slept better."

    def test_the_services_and_the_model_refuse(self, case_manager, signed):
        with pytest.raises(NoteLocked):
            notes.note_save_draft(note=signed, by=case_manager, expected_version=signed.version, values={"data": "x"})
        signed.data = "changed"
        with pytest.raises(NoteLocked):
            signed.save()

    def test_the_database_refuses(self, signed):
        note_id = signed.pk if connection.vendor == "postgresql" else signed.pk.hex
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE caseload_progressnote SET data = 'changed' WHERE id = %s", [note_id])

    def test_corrections_are_addenda_under_the_original(self, login, case_manager, signed):
        browser = login(case_manager)
        page = browser.post(reverse("notes:addendum", args=[signed.pk]), {"text": ""}, follow=True).content.decode()
        assert "This field is required." in page
        browser.post(reverse("notes:addendum", args=[signed.pk]), {"text": "The visit lasted 60 minutes, not 30."})
        page = browser.get(reverse("notes:note", args=[signed.pk])).content.decode()
        assert page.index("Met at home.") < page.index("The visit lasted 60 minutes, not 30.")
        assert NoteAddendum.objects.get().author == case_manager

    def test_a_note_signed_long_after_the_contact_is_a_late_entry(self, case_manager, client_a):
        AgencySettings.objects.update_or_create(pk=1, defaults={"late_entry_hours": 48})
        note = ProgressNoteFactory(client=client_a, author=case_manager, contact_at=timezone.now() - timedelta(hours=49))
        assert notes.note_sign(note=note, by=case_manager, expected_version=note.version).late_entry
        recent = ProgressNoteFactory(client=client_a, author=case_manager, contact_at=timezone.now() - timedelta(hours=47))
        assert not notes.note_sign(note=recent, by=case_manager, expected_version=recent.version).late_entry

    def test_reads_and_writes_are_audited(self, login, case_manager, signed):
        login(case_manager).get(reverse("notes:note", args=[signed.pk]))
        assert AuditEvent.objects.filter(action="view", object_id=str(signed.pk)).exists()
        signing = AuditEvent.objects.filter(action="update", object_id=str(signed.pk)).latest("at")
        assert signing.changes["status"] == ["draft", "signed"]


class TestTimeline:
    def test_filters_by_type_author_dates_and_goal(self, login, case_manager, supervisor, client_a, active_plan):
        goal = active_plan.goals.order_by("position").first()
        now = timezone.now()
        phone = ProgressNoteFactory(client=client_a, author=case_manager, contact_type="phone", contact_at=now - timedelta(days=3))
        NoteGoal.objects.create(note=phone, goal=goal)
        ProgressNoteFactory(client=client_a, author=case_manager, contact_type="home_visit", contact_at=now - timedelta(days=10))
        ProgressNoteFactory(client=client_a, author=supervisor, contact_type="collateral", contact_at=now - timedelta(days=20))
        browser = login(case_manager)
        url = reverse("notes:timeline", args=[client_a.pk])

        def shown(**params):
            return [n.contact_type for n in browser.get(url, params).context["page"].object_list]

        assert shown() == ["phone", "home_visit", "collateral"]
        assert shown(contact_type="phone") == ["phone"]
        assert shown(author=str(supervisor.pk)) == ["collateral"]
        since = (now - timedelta(days=12)).date().isoformat()
        assert shown(since=since) == ["phone", "home_visit"]
        assert shown(goal=str(goal.lineage)) == ["phone"]
        page = browser.get(url, {"since": "2026-12-01", "until": "2026-01-01"}).content.decode()
        assert "The end is before the start." in page

    def test_pages_keep_the_filters(self, login, case_manager, client_a):
        ProgressNoteFactory.create_batch(25, client=client_a, author=case_manager, contact_type="phone")
        page = login(case_manager).get(reverse("notes:timeline", args=[client_a.pk]), {"contact_type": "phone"})
        assert len(page.context["page"].object_list) == 20
        assert "?page=2&amp;contact_type=phone" in page.content.decode()

    def test_the_timeline_is_the_same_queries_at_any_size(self, login, case_manager, client_a, active_plan):
        browser = login(case_manager)
        url = reverse("notes:timeline", args=[client_a.pk])
        goal = active_plan.goals.first()
        counts = []
        browser.get(url)
        for total in (3, 30):
            for note in ProgressNoteFactory.create_batch(total - ProgressNote.objects.count(), client=client_a, author=case_manager):
                NoteGoal.objects.create(note=note, goal=goal)
                NoteAddendum.objects.create(note=note, client=client_a, author=case_manager, text="x")
            with CaptureQueriesContext(connection) as queries:
                browser.get(url)
            counts.append(len(queries))
        assert counts[0] == counts[1], counts

    def test_the_client_record_shows_the_last_contact(self, login, case_manager, client_a):
        ProgressNoteFactory(client=client_a, author=case_manager, contact_type="video")
        page = login(case_manager).get(reverse("clients:detail", args=[client_a.pk])).content.decode()
        assert "Last contact" in page and "Video call" in page


def test_the_last_contact_index_covers_exactly_the_contacts_with_the_client():
    """The partial index that My caseload and the sweep read each client's last contact from names the same types."""
    index = next(index for index in ProgressNote._meta.indexes if index.name == "note_client_contact_idx")
    (_lookup, types), = index.condition.children
    assert sorted(types) == sorted(ProgressNote.CLIENT_CONTACT_TYPES)
