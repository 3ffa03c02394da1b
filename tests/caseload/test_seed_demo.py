from django.core.management import call_command

from caseload.models import Assignment, Team, User
from clients.models import Client


def test_it_builds_a_believable_agency_and_is_safe_to_run_twice(db, capsys):
    call_command("seed_demo", clients=40, managers=8)
    first = (Client.objects.count(), User.objects.count(), Team.objects.count(), Assignment.objects.count())
    call_command("seed_demo", clients=40, managers=8)
    assert (Client.objects.count(), User.objects.count(), Team.objects.count(), Assignment.objects.count()) == first
    assert first[0] == 40 and Team.objects.filter(supervisors__isnull=False).count() >= 4
    output = capsys.readouterr().out
    assert "anna.cm" in output and "caseload-demo-2026" in output
    assert Client.objects.filter(contacts__isnull=False).exists()
    assert set(Client.objects.values_list("client_number", flat=True).distinct()).__len__() == 40
    assert Client.objects.filter(legal_given_name="Mads", legal_family_name="Jensen", status="discharged").exists()


def test_it_scales_up_with_bulk_inserts(db, django_assert_max_num_queries):
    # Bulk inserts for the agency; the three demo care plans go through the services (a fixed ~450, each audit
    # entry two more for its chain), and so do the demo directory (an HSDS import of 7 services) and its one
    # referral (a fixed ~120).
    with django_assert_max_num_queries(900):
        call_command("seed_demo", clients=1000, managers=30)
    assert Client.objects.count() == 1000 and User.objects.filter(role="case_manager").count() == 30
    from careplans.models import CarePlan

    assert sorted(CarePlan.objects.values_list("status", flat=True)) == ["active", "awaiting", "draft"]
    carried = Client.objects.filter(case_manager__isnull=False)
    assert carried.count() == Assignment.objects.filter(ended_at__isnull=True).count()


def test_it_seeds_the_directory_and_a_referral_round_the_loop(db):
    from referrals.models import Disclosure, Referral, Service

    call_command("seed_demo", clients=40, managers=8)
    call_command("seed_demo", clients=40, managers=8)
    assert Service.objects.filter(category="housing").count() == 2 and Service.objects.count() == 7
    referral = Referral.objects.get()
    assert referral.status == "accepted" and referral.consent.is_in_force
    assert list(referral.events.values_list("to_status", flat=True)) == ["draft", "sent", "accepted"]
    assert Disclosure.objects.filter(referral=referral).count() == 1
