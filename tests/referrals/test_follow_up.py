"""A referral without an update for 7 days (REFERRAL_FOLLOW_UP_DAYS) is a follow-up task for the case manager."""

from datetime import timedelta

from django.utils import timezone

from caseload.models import Reminder
from caseload.reminders import sweep, sweep_details
from referrals import services
from referrals.models import Referral


def quiet_for(referral, days: int) -> None:
    Referral.objects.filter(pk=referral.pk).update(status_changed_at=timezone.now() - timedelta(days=days))


def test_seven_quiet_days_make_one_reminder_for_the_case_manager(sent_referral, case_manager):
    quiet_for(sent_referral, 6)
    sweep()
    assert not Reminder.objects.filter(kind="referral_follow_up").exists()
    quiet_for(sent_referral, 7)
    sweep()
    sweep()  # a second sweep adds nothing
    reminder = Reminder.objects.get(kind="referral_follow_up")
    assert reminder.assignee == case_manager and reminder.client_id == sent_referral.client_id
    assert reminder.subject_type == "referrals.Referral" and reminder.subject_id == str(sent_referral.pk)
    assert reminder.title == "Follow up the referral to Bostøtte for voksne: no update for 7 days"
    assert reminder.due_on == timezone.localdate()


def test_the_number_of_days_is_a_setting(settings, sent_referral):
    settings.REFERRAL_FOLLOW_UP_DAYS = 3
    quiet_for(sent_referral, 3)
    sweep()
    assert Reminder.objects.filter(kind="referral_follow_up").count() == 1


def test_an_update_closes_the_reminder(sent_referral, case_manager):
    quiet_for(sent_referral, 8)
    sweep()
    services.referral_set_status(referral=sent_referral, to_status="accepted", by=case_manager)
    details = sweep_details()
    assert details.closed == 1
    assert Reminder.objects.get(kind="referral_follow_up").status == "done"


def test_drafts_and_finished_referrals_need_no_follow_up(sent_referral, case_manager, client_a, housing):
    draft = services.referral_create(client=client_a, service=housing, by=case_manager, reason="x",
                                     urgency="routine", shared_items=["reason"])
    quiet_for(draft, 30)
    services.referral_set_status(referral=sent_referral, to_status="closed", by=case_manager, close_reason="no_response")
    quiet_for(sent_referral, 30)
    sweep()
    assert not Reminder.objects.filter(kind="referral_follow_up").exists()


def test_the_reminder_shows_on_my_caseload(login, sent_referral, case_manager):
    quiet_for(sent_referral, 9)
    sweep()
    page = login(case_manager).get("/").content.decode()
    assert "Follow up the referral to Bostøtte for voksne" in page
