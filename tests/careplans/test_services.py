"""Care plan versions: drafting, who signs, freezing from the first signature, the hash, reviews."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from careplans import services
from careplans.content import plan_parts
from careplans.models import Action, CarePlan, Goal, Objective, PlanDocument, PlanFrozen, Signature
from caseload.models import AgencySettings, AuditEvent
from clients.services import ConcurrentEditError
from tests.careplans.conftest import a_signature, bypassing_triggers, make_draft, sign_all
from tests.factories import AssessmentFactory, ClientFactory, ContactFactory, RiskFlagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_pdf_rendering(monkeypatch):
    """The PDF task has its own tests; here it is enough that it is queued."""
    queued = []
    monkeypatch.setattr("careplans.tasks.render_plan_pdf.delay", lambda document_id: queued.append(document_id))
    return queued


class TestStartingAPlan:
    def test_it_offers_the_assessments_needs_and_goals_as_starting_goals(self, client_a, case_manager):
        from assessments.models import AssessmentItem

        assessment = AssessmentFactory(client=client_a)
        goal = AssessmentItem.objects.create(
            assessment=assessment, client=client_a, domain="relationships", kind="goal",
            text="I want to see my daughter every other weekend",
        )
        need = AssessmentItem.objects.create(
            assessment=assessment, client=client_a, domain="income_housing", kind="need", text="No stable housing"
        )
        plan = services.plan_start(
            client=client_a, by=case_manager, assessment=assessment, item_ids=[goal.pk, need.pk],
            strengths="Loves his daughter",
        )
        goals = list(plan.goals.order_by("position"))
        assert [(g.area, g.client_words) for g in goals] == [
            ("housing", "No stable housing"), ("relationships", "I want to see my daughter every other weekend"),
        ]
        assert goals[1].source_item == goal
        assert plan.strengths == "Loves his daughter"
        assert plan.number == 1 and plan.status == CarePlan.Status.DRAFT
        assert "Anna Lindqvist" in plan.professional_contacts

    def test_a_second_plan_is_refused_while_one_is_in_progress(self, draft, client_a, case_manager):
        with pytest.raises(ValidationError, match="already has a care plan in progress"):
            services.plan_start(client=client_a, by=case_manager)

    def test_the_team_setting_decides_whether_a_supervisor_co_signs(self, client_a, case_manager, team_north):
        team_north.plan_cosignature_required = True
        team_north.save()
        plan = services.plan_start(client=client_a, by=case_manager)
        assert plan.cosignature_required


class TestEditingADraft:
    def test_goals_keep_their_objectives_and_actions_as_typed(self, draft, case_manager):
        goal = draft.goals.first()
        services.goal_save(
            plan=draft, by=case_manager, expected_version=draft.version, goal=goal,
            values={"area": "relationships", "client_words": "See Emma every other weekend", "description": "Supervised at first"},
            objectives=[{"text": "First visit", "target_date": None}, {"text": "Overnight stay", "target_date": None}],
            actions=[{"text": "Ask the sister to drive", "who": "family", "who_name": "Sofie", "due_on": None}],
        )
        goal.refresh_from_db()
        assert goal.client_words == "See Emma every other weekend"
        assert list(goal.objectives.values_list("text", "position")) == [("First visit", 0), ("Overnight stay", 1)]
        assert list(goal.actions.values_list("text", "who", "who_name")) == [("Ask the sister to drive", "family", "Sofie")]

    def test_a_stale_save_is_refused_and_nothing_is_overwritten(self, draft, case_manager, teammate):
        opened_at = draft.version
        services.plan_save(plan=draft, by=teammate, expected_version=opened_at, values={"title": "Anton's title"})
        with pytest.raises(ConcurrentEditError) as refused:
            services.plan_save(plan=draft, by=case_manager, expected_version=opened_at, values={"title": "Anna's title"})
        assert "Anton Berg saved changes" in refused.value.user_message
        assert CarePlan.objects.get(pk=draft.pk).title == "Anton's title"

    def test_a_stale_goal_save_is_refused(self, draft, case_manager, teammate):
        opened_at = draft.version
        services.plan_save(plan=draft, by=teammate, expected_version=opened_at, values={"title": "Changed"})
        with pytest.raises(ConcurrentEditError):
            services.goal_save(
                plan=draft, by=case_manager, expected_version=opened_at, goal=None,
                values={"area": "work", "client_words": "A job", "description": ""}, objectives=[], actions=[],
            )
        assert not Goal.objects.filter(client_words="A job").exists()

    def test_removing_a_goal_from_a_draft_is_audited_with_what_it_said(self, draft, case_manager):
        goal = draft.goals.order_by("position").first()
        goal_id = str(goal.pk)
        services.goal_remove(goal=goal, by=case_manager, expected_version=draft.version)
        assert list(Goal.objects.filter(plan=draft).values_list("position", flat=True)) == [0]
        entry = AuditEvent.objects.get(action="delete", object_type="careplans.Goal", object_id=goal_id)
        assert entry.changes["client_words"][0] == "I want to see my daughter every other weekend"

    def test_goals_can_be_reordered(self, draft, case_manager):
        second = draft.goals.order_by("position")[1]
        services.goal_move(goal=second, by=case_manager, expected_version=draft.version, offset=-1)
        assert draft.goals.order_by("position").first() == second


class TestWhoSigns:
    def test_the_client_a_consenting_nominated_person_and_the_case_manager(self, awaiting):
        assert [(s["role"], s["name"]) for s in awaiting.required_signers] == [
            ("client", "Mikkel Sørensen"), ("nominated_person", "Sofie Sørensen"), ("case_manager", "Anna Lindqvist"),
        ]

    def test_a_nominated_person_without_the_adult_clients_consent_does_not_sign(self, case_manager):
        client = ClientFactory(case_manager=case_manager)
        ContactFactory(client=client, role="nominated_person", consents_to_involvement=False)
        plan = make_draft(client, case_manager, goals=1)
        assert [s["role"] for s in services.required_signers(plan)] == ["client", "case_manager"]

    def test_a_guardian_signs_for_a_minor(self, case_manager):
        today = timezone.localdate()
        minor = ClientFactory(case_manager=case_manager, date_of_birth=today.replace(year=today.year - 15))
        ContactFactory(client=minor, role="guardian", name="Lene Holm", consents_to_involvement=False)
        plan = make_draft(minor, case_manager, goals=1)
        assert [(s["role"], s["name"]) for s in services.required_signers(plan)][1] == ("guardian", "Lene Holm")

    def test_a_supervisor_co_signs_when_the_team_requires_it(self, client_a, case_manager, supervisor, team_north):
        team_north.plan_cosignature_required = True
        team_north.save()
        plan = make_draft(client_a, case_manager, goals=1)
        plan = services.plan_send_for_signatures(plan=plan, by=case_manager, expected_version=plan.version)
        assert plan.required_signers[-1]["role"] == "supervisor"
        services.signature_record(plan=plan, role="client", witness=case_manager, device="t", image=a_signature())
        services.signature_record(plan=plan, role="case_manager", witness=case_manager, signer_user=case_manager, device="t")
        assert CarePlan.objects.get(pk=plan.pk).status == CarePlan.Status.AWAITING
        services.signature_record(plan=plan, role="supervisor", witness=supervisor, signer_user=supervisor, device="t")
        assert CarePlan.objects.get(pk=plan.pk).status == CarePlan.Status.ACTIVE

    def test_only_the_named_case_manager_signs_as_case_manager(self, awaiting, teammate, other_supervisor):
        with pytest.raises(ValidationError, match="Only Anna Lindqvist can sign"):
            services.signature_record(plan=awaiting, role="case_manager", witness=teammate, signer_user=teammate, device="t")
        with pytest.raises(ValidationError):
            services.signature_record(plan=awaiting, role="supervisor", witness=other_supervisor,
                                      signer_user=other_supervisor, device="t")
        assert not Signature.objects.exists()


class TestSendingForSignatures:
    def test_a_plan_without_goals_is_not_sent(self, client_a, case_manager):
        plan = services.plan_start(client=client_a, by=case_manager)
        with pytest.raises(ValidationError, match="at least one goal"):
            services.plan_send_for_signatures(plan=plan, by=case_manager, expected_version=plan.version)

    def test_a_client_with_a_risk_flag_needs_a_safety_plan(self, client_a, case_manager):
        RiskFlagFactory(client=client_a)
        plan = make_draft(client_a, case_manager, goals=1)
        plan = services.plan_save(
            plan=plan, by=case_manager, expected_version=plan.version,
            values={name: "" for name in CarePlan.SAFETY_FIELDS},
        )
        with pytest.raises(ValidationError, match="risk flag: make the safety plan"):
            services.plan_send_for_signatures(plan=plan, by=case_manager, expected_version=plan.version)

    def test_the_prefilled_case_manager_line_is_not_a_safety_plan(self, client_a, case_manager):
        RiskFlagFactory(client=client_a)
        plan = services.plan_start(client=client_a, by=case_manager)
        assert "Anna Lindqvist" in plan.professional_contacts and not plan.safety_plan_filled
        services.goal_save(plan=plan, by=case_manager, expected_version=plan.version, goal=None,
                           values={"area": "work", "client_words": "A job", "description": ""}, objectives=[], actions=[])
        plan.refresh_from_db()
        with pytest.raises(ValidationError, match="risk flag"):
            services.plan_send_for_signatures(plan=plan, by=case_manager, expected_version=plan.version)
        plan = services.plan_save(plan=plan, by=case_manager, expected_version=plan.version,
                                  values={"warning_signs": "Not sleeping", "help_contacts": "Sofie 20 11 22 33"})
        assert plan.safety_plan_filled
        assert services.plan_send_for_signatures(plan=plan, by=case_manager, expected_version=plan.version).status == "awaiting"

    def test_back_to_draft_only_before_anyone_signs(self, awaiting, case_manager):
        draft = services.plan_back_to_draft(plan=awaiting, by=case_manager, expected_version=awaiting.version)
        assert draft.status == CarePlan.Status.DRAFT
        awaiting = services.plan_send_for_signatures(plan=draft, by=case_manager, expected_version=draft.version)
        services.signature_record(plan=awaiting, role="client", witness=case_manager, device="t", image=a_signature())
        with pytest.raises(PlanFrozen):
            services.plan_back_to_draft(plan=awaiting, by=case_manager, expected_version=CarePlan.objects.get(pk=awaiting.pk).version)


class TestSigning:
    def test_each_signature_records_who_what_it_means_when_where_and_the_hash(self, awaiting, case_manager):
        signature = services.signature_record(
            plan=awaiting, role="client", witness=case_manager, device="iPad; Safari", image=a_signature()
        )
        plan = CarePlan.objects.get(pk=awaiting.pk)
        assert signature.printed_name == "Mikkel Sørensen"
        assert signature.meaning == "I took part in making this plan and I agree with it."
        assert signature.device == "iPad; Safari"
        assert signature.witnessed_by == case_manager
        assert signature.signed_at.tzinfo is not None
        assert signature.content_hash == plan.content_hash == plan_parts(plan).hash
        assert len(plan.content_hash) == 64 and plan.frozen_at is not None
        assert signature.image_svg.startswith("<svg")
        assert AuditEvent.objects.filter(object_id=str(signature.pk), action="create").exists()

    def test_the_last_signature_makes_the_plan_active_with_its_review_date(
        self, awaiting, case_manager, _no_pdf_rendering, django_capture_on_commit_callbacks
    ):
        AgencySettings.objects.update_or_create(pk=1, defaults={"plan_review_days": 60})
        with django_capture_on_commit_callbacks(execute=True):
            plan = sign_all(awaiting, case_manager)
        today = timezone.localdate()
        assert plan.status == CarePlan.Status.ACTIVE
        assert (plan.effective_on, plan.review_on) == (today, today + timedelta(days=60))
        document = PlanDocument.objects.get(plan=plan)
        assert document.status == PlanDocument.Status.QUEUED
        assert _no_pdf_rendering == [str(document.pk)]

    def test_the_client_may_decline_with_a_reason(self, awaiting, case_manager):
        with pytest.raises(ValidationError):
            services.signature_record(plan=awaiting, role="client", witness=case_manager, device="t", declined=True)
        signature = services.signature_record(
            plan=awaiting, role="client", witness=case_manager, device="t", declined=True,
            decline_reason="Wants to read it with his sister first",
        )
        assert signature.declined and signature.image_svg == ""
        assert signature.decline_reason == "Wants to read it with his sister first"

    def test_a_tablet_signature_needs_a_drawn_signature(self, awaiting, case_manager):
        with pytest.raises(ValidationError):
            services.signature_record(plan=awaiting, role="client", witness=case_manager, device="t")
        assert not Signature.objects.exists()

    def test_nobody_signs_twice(self, awaiting, case_manager):
        services.signature_record(plan=awaiting, role="client", witness=case_manager, device="t", image=a_signature())
        with pytest.raises(ValidationError, match="already been given"):
            services.signature_record(plan=awaiting, role="client", witness=case_manager, device="t", image=a_signature())

    def test_a_draft_is_not_signed(self, draft, case_manager):
        with pytest.raises(ValidationError, match="not waiting for signatures"):
            services.signature_record(plan=draft, role="client", witness=case_manager, device="t", image=a_signature())


class TestFrozenFromTheFirstSignature:
    @pytest.fixture
    def signed_once(self, awaiting, case_manager):
        services.signature_record(plan=awaiting, role="client", witness=case_manager, device="t", image=a_signature())
        return CarePlan.objects.get(pk=awaiting.pk)

    def test_the_services_refuse_changes(self, signed_once, case_manager):
        with pytest.raises(PlanFrozen):
            services.plan_save(plan=signed_once, by=case_manager, expected_version=signed_once.version, values={"title": "x"})
        with pytest.raises(PlanFrozen):
            services.goal_save(
                plan=signed_once, by=case_manager, expected_version=signed_once.version, goal=None,
                values={"area": "work", "client_words": "x", "description": ""}, objectives=[], actions=[],
            )

    def test_the_model_refuses_to_save_changed_content(self, signed_once):
        signed_once.warning_signs = "changed"
        with pytest.raises(PlanFrozen):
            signed_once.save()

    @pytest.mark.parametrize("statement", [
        "UPDATE careplans_careplan SET title = 'changed' WHERE id = %s",
        "UPDATE careplans_goal SET client_words = 'changed' WHERE plan_id = %s",
        "UPDATE careplans_objective SET text = 'changed' WHERE goal_id IN (SELECT id FROM careplans_goal WHERE plan_id = %s)",
        "UPDATE careplans_action SET who = 'client' WHERE goal_id IN (SELECT id FROM careplans_goal WHERE plan_id = %s)",
        "UPDATE careplans_signature SET printed_name = 'Someone else' WHERE plan_id = %s",
    ])
    def test_the_database_refuses_changes_that_bypass_the_application(self, signed_once, statement):
        from django.db import connection

        plan_id = signed_once.pk if connection.vendor == "postgresql" else signed_once.pk.hex
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [plan_id])

    def test_the_database_refuses_new_goals_objectives_and_actions(self, signed_once):
        goal = signed_once.goals.first()
        for make in (
            lambda: Goal.objects.create(plan=signed_once, client_id=signed_once.client_id, area="work", client_words="x"),
            lambda: Objective.objects.create(goal=goal, client_id=goal.client_id, text="x"),
            lambda: Action.objects.create(goal=goal, client_id=goal.client_id, text="x", who="client"),
        ):
            with pytest.raises(DatabaseError), transaction.atomic():
                make()

    def test_progress_on_a_goal_is_still_recorded(self, signed_once, case_manager):
        goal = signed_once.goals.first()
        services.goal_set_status(goal=goal, by=case_manager, status="in_progress")
        goal.refresh_from_db()
        assert goal.status == "in_progress" and goal.status_changed_by == case_manager
        assert plan_parts(signed_once).hash == signed_once.content_hash  # progress is not signed content

    def test_discontinuing_a_goal_needs_a_reason(self, signed_once, case_manager):
        with pytest.raises(ValidationError):
            services.goal_set_status(goal=signed_once.goals.first(), by=case_manager, status="discontinued")

    def test_changing_one_byte_of_the_stored_content_breaks_the_hash(self, signed_once, case_manager):
        goal = signed_once.goals.order_by("position").first()
        bypassing_triggers(
            "UPDATE careplans_goal SET client_words = %s WHERE id = %s",
            ["I want to see my daughter every other weekenD", goal.pk if _pg() else goal.pk.hex],
        )
        assert plan_parts(signed_once).hash != signed_once.content_hash
        with pytest.raises(services.PlanTampered):
            services.signature_record(
                plan=signed_once, role="nominated_person", witness=case_manager, device="t", image=a_signature()
            )


def _pg() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


class TestTheReviewCycle:
    def test_a_review_makes_the_next_draft_from_the_active_version(self, awaiting, case_manager):
        active = sign_all(awaiting, case_manager)
        draft = services.plan_review_start(plan=active, by=case_manager)
        assert (draft.number, draft.previous, draft.status) == (2, active, CarePlan.Status.DRAFT)
        assert draft.warning_signs == active.warning_signs
        before = plan_parts(active).goals
        after = plan_parts(draft).goals
        assert [g.lineage for g in after] == [g.lineage for g in before]
        assert [[o.text for o in g.objectives.all()] for g in after] == [[o.text for o in g.objectives.all()] for g in before]
        with pytest.raises(ValidationError, match="already in progress"):
            services.plan_review_start(plan=active, by=case_manager)

    def test_the_new_version_supersedes_the_old_once_signed(self, awaiting, case_manager):
        active = sign_all(awaiting, case_manager)
        draft = services.plan_review_start(plan=active, by=case_manager)
        draft = services.plan_send_for_signatures(plan=draft, by=case_manager, expected_version=draft.version)
        second = sign_all(draft, case_manager)
        active.refresh_from_db()
        assert second.status == CarePlan.Status.ACTIVE
        assert active.status == CarePlan.Status.SUPERSEDED and active.ended_at is not None
        assert second.content_hash != active.content_hash  # the version number and id are part of the content

    def test_the_comparison_shows_what_the_review_changed(self, awaiting, case_manager):
        from careplans.compare import compare_versions

        active = sign_all(awaiting, case_manager)
        draft = services.plan_review_start(plan=active, by=case_manager)
        goal = draft.goals.order_by("position").first()
        services.goal_save(
            plan=draft, by=case_manager, expected_version=draft.version, goal=goal,
            values={"area": goal.area, "client_words": "Emma stays every other weekend", "description": ""},
            objectives=[], actions=[],
        )
        draft.refresh_from_db()
        services.goal_save(
            plan=draft, by=case_manager, expected_version=draft.version, goal=None,
            values={"area": "work", "client_words": "Volunteer at the bike workshop", "description": ""},
            objectives=[], actions=[],
        )
        rows = compare_versions(plan_parts(active), plan_parts(CarePlan.objects.get(pk=draft.pk)))
        changed = {row.label: row for row in rows if row.changed}
        assert set(changed) == {"Goal 1", "Goal 3"}
        assert changed["Goal 1"].before[0].endswith("“I want to see my daughter every other weekend”")
        assert changed["Goal 1"].after == ["Family and relationships: “Emma stays every other weekend”"]
        assert changed["Goal 3"].kind == "added"

    def test_closing_needs_a_reason_and_keeps_the_plan(self, awaiting, case_manager):
        active = sign_all(awaiting, case_manager)
        with pytest.raises(ValidationError):
            services.plan_close(plan=active, by=case_manager, reason=" ")
        closed = services.plan_close(plan=active, by=case_manager, reason="Discharged")
        assert closed.status == CarePlan.Status.CLOSED and closed.close_reason == "Discharged"
