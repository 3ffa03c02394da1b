"""Care plan pages: what a case manager and a client see, bad input, the tablet lock, downloads."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from careplans.handover import SESSION_KEY
from careplans.models import CarePlan, Goal, PlanDocument, Signature
from caseload.models import AuditEvent
from tests.careplans.conftest import SIGNATURE_SVG, bypassing_triggers, make_draft, sign_all
from tests.factories import AssessmentFactory, ContactFactory, RiskFlagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pdf_queued_not_rendered(monkeypatch):
    monkeypatch.setattr("careplans.tasks.render_plan_pdf.delay", lambda document_id: None)


def _png_data_url() -> str:
    import base64
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (300, 100), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(20, 60), (140, 40), (280, 30)], fill=(0, 0, 0, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


class TestStarting:
    def test_the_start_page_offers_the_latest_assessments_goals_and_needs(self, login, case_manager, client_a):
        from assessments.models import AssessmentItem

        assessment = AssessmentFactory(client=client_a)
        AssessmentItem.objects.create(assessment=assessment, client=client_a, domain="relationships", kind="goal",
                                      text="I want to see my daughter every other weekend")
        AssessmentItem.objects.create(assessment=assessment, client=client_a, domain="income_housing", kind="need",
                                      text="No stable housing")
        AssessmentItem.objects.create(assessment=assessment, client=client_a, domain="coping", kind="strength",
                                      text="Fixes bikes for the neighbours")
        page = login(case_manager).get(reverse("careplans:start", args=[client_a.pk])).content.decode()
        assert "I want to see my daughter every other weekend" in page and "No stable housing" in page
        assert "Fixes bikes for the neighbours</textarea>" in page

    def test_starting_makes_a_draft_with_the_chosen_goals(self, login, case_manager, client_a):
        from assessments.models import AssessmentItem

        assessment = AssessmentFactory(client=client_a)
        item = AssessmentItem.objects.create(assessment=assessment, client=client_a, domain="relationships", kind="goal",
                                             text="See my daughter")
        response = login(case_manager).post(
            reverse("careplans:start", args=[client_a.pk]), {"items": [str(item.pk)], "strengths": "Kind"}
        )
        plan = CarePlan.objects.get(client=client_a)
        assert response.url == reverse("careplans:edit", args=[plan.pk])
        assert list(plan.goals.values_list("client_words", flat=True)) == ["See my daughter"]

    def test_the_client_record_links_to_the_plan_in_force(self, login, case_manager, draft, client_a):
        page = login(case_manager).get(reverse("clients:detail", args=[client_a.pk])).content.decode()
        assert reverse("careplans:plan", args=[draft.pk]) in page and "Version 1" in page


class TestEditing:
    def test_the_edit_page_shows_the_advance_statement_and_the_people_around(self, login, case_manager, draft, client_a):
        client_a.advance_statement = "If I am unwell, call my sister before anyone else."
        client_a.save()
        page = login(case_manager).get(reverse("careplans:edit", args=[draft.pk])).content.decode()
        assert "If I am unwell, call my sister before anyone else." in page
        assert "Sofie Sørensen" in page and "may be involved" in page

    def test_a_risk_flag_prompts_the_safety_plan(self, login, case_manager, draft, client_a):
        RiskFlagFactory(client=client_a)
        page = login(case_manager).get(reverse("careplans:edit", args=[draft.pk])).content.decode()
        assert "The client has a risk flag: make the safety plan with them" in page

    def test_a_stale_save_is_refused_and_keeps_what_was_typed(self, login, case_manager, supervisor, draft):
        url = reverse("careplans:edit", args=[draft.pk])
        data = {"version": draft.version, "title": "Anna's words", "client_summary": "", "strengths": "",
                **{name: "" for name in CarePlan.SAFETY_FIELDS}}
        assert login(supervisor).post(url, {**data, "title": "Helle's words"}).status_code == 302
        response = login(case_manager).post(url, data)
        page = response.content.decode()
        assert response.status_code == 200
        assert "Helle Nørgaard saved changes to this record" in page and 'value="Anna&#x27;s words"' in page
        assert CarePlan.objects.get(pk=draft.pk).title == "Helle's words"

    def test_an_action_without_who_gets_a_message_beside_it_and_the_form_keeps_its_text(self, login, case_manager, draft):
        url = reverse("careplans:goal_add", args=[draft.pk])
        data = {"version": draft.version, "area": "work", "client_words": "A job at the bike workshop", "description": "",
                "objectives-TOTAL_FORMS": "1", "objectives-INITIAL_FORMS": "0",
                "objectives-0-text": "Two trial days", "objectives-0-target_date": "2027-02-01",
                "actions-TOTAL_FORMS": "1", "actions-INITIAL_FORMS": "0",
                "actions-0-text": "Call the workshop", "actions-0-who": "", "actions-0-who_name": "", "actions-0-due_on": ""}
        page = login(case_manager).post(url, data).content.decode()
        assert "Say who does this." in page
        assert "A job at the bike workshop" in page and 'value="Call the workshop"' in page and 'value="2027-02-01"' in page
        assert not Goal.objects.filter(client_words="A job at the bike workshop").exists()

    def test_a_goal_is_saved_with_its_rows_and_more_rows_keeps_what_was_typed(self, login, case_manager, draft):
        url = reverse("careplans:goal_add", args=[draft.pk])
        data = {"version": draft.version, "area": "work", "client_words": "A job", "description": "",
                "objectives-TOTAL_FORMS": "1", "objectives-INITIAL_FORMS": "0", "objectives-0-text": "Trial days",
                "objectives-0-target_date": "", "actions-TOTAL_FORMS": "1", "actions-INITIAL_FORMS": "0",
                "actions-0-text": "Call the workshop", "actions-0-who": "client", "actions-0-who_name": "",
                "actions-0-due_on": ""}
        browser = login(case_manager)
        more = browser.post(url, {**data, "more_rows": "1"}).content.decode()
        assert 'name="objectives-1-text"' in more and 'value="Trial days"' in more
        assert browser.post(url, data).status_code == 302
        goal = Goal.objects.get(client_words="A job")
        assert [a.who for a in goal.actions.all()] == ["client"]

    def test_clearing_a_row_drops_it(self, login, case_manager, draft):
        goal = draft.goals.order_by("position").first()
        url = reverse("careplans:goal_edit", args=[goal.pk])
        data = {"version": draft.version, "area": goal.area, "client_words": goal.client_words, "description": "",
                "objectives-TOTAL_FORMS": "1", "objectives-INITIAL_FORMS": "0", "objectives-0-text": "",
                "objectives-0-target_date": "", "actions-TOTAL_FORMS": "1", "actions-INITIAL_FORMS": "0",
                "actions-0-text": "Call the family counselling service", "actions-0-who": "case_manager",
                "actions-0-who_name": "", "actions-0-due_on": ""}
        assert login(case_manager).post(url, data).status_code == 302
        assert goal.objectives.count() == 0 and goal.actions.count() == 1

    def test_a_signed_version_cannot_be_edited(self, login, case_manager, awaiting):
        from careplans import services
        from tests.careplans.conftest import a_signature

        services.signature_record(plan=awaiting, role="client", witness=case_manager, device="t", image=a_signature())
        browser = login(case_manager)
        response = browser.post(reverse("careplans:edit", args=[awaiting.pk]), {"version": awaiting.version, "title": "x"})
        assert response.url == reverse("careplans:plan", args=[awaiting.pk])
        assert CarePlan.objects.get(pk=awaiting.pk).title == ""

    def test_hostile_version_values_are_refused_not_crashing(self, login, case_manager, draft):
        response = login(case_manager).post(reverse("careplans:send", args=[draft.pk]), {"version": "1; DROP TABLE"})
        assert response.status_code == 302
        assert CarePlan.objects.get(pk=draft.pk).status == CarePlan.Status.DRAFT


class TestThePlanPage:
    def test_opening_a_plan_is_in_the_access_history(self, login, case_manager, draft):
        login(case_manager).get(reverse("careplans:plan", args=[draft.pk]))
        entry = AuditEvent.objects.filter(action="view", client_id=draft.client_id).latest("at")
        assert (entry.actor, entry.summary, entry.object_id) == (case_manager, "care plan", str(draft.pk))

    def test_the_safety_plan_comes_first_and_goals_in_the_clients_words(self, login, case_manager, draft):
        page = login(case_manager).get(reverse("careplans:plan", args=[draft.pk])).content.decode()
        assert page.index("Safety plan") < page.index("My goals")
        assert "“I want to see my daughter every other weekend”" in page
        assert "Not sleeping" in page and "My daughter Emma" in page

    def test_sending_shows_who_is_still_to_sign(self, login, case_manager, draft):
        browser = login(case_manager)
        browser.post(reverse("careplans:send", args=[draft.pk]), {"version": draft.version})
        page = browser.get(reverse("careplans:plan", args=[draft.pk])).content.decode()
        assert "Awaiting signatures" in page and "Hand to client" in page
        assert "Waiting for Sofie Sørensen (Nominated person)" in page


class TestTheTablet:
    @pytest.fixture(autouse=True)
    def _english_speaking_client(self, client_a):
        # The messages below are asserted in English; the client's own language is tested on its own.
        client_a.preferred_language = "en"
        client_a.save()

    def _hand_over(self, browser, plan):
        return browser.post(reverse("careplans:handover", args=[plan.pk]))

    def test_while_handed_over_every_other_page_leads_back_to_the_plan(self, login, case_manager, awaiting, client_a):
        browser = login(case_manager)
        tablet = reverse("careplans:tablet", args=[awaiting.pk])
        assert self._hand_over(browser, awaiting).url == tablet
        for url in (reverse("clients:list"), reverse("clients:detail", args=[client_a.pk]), "/admin/",
                    reverse("careplans:plan", args=[awaiting.pk])):
            assert browser.get(url).url == tablet, url
        assert browser.post(reverse("logout")).url == tablet

    @pytest.mark.parametrize("language, words", [("da", "Din handleplan"), ("ca", "El seu pla de cures"),
                                                  ("fr", "Votre plan de soins"), ("sv", "Your care plan")])
    def test_the_tablet_shows_only_the_plan_in_the_clients_language(
        self, login, case_manager, awaiting, client_a, language, words
    ):
        client_a.preferred_language = language  # Swedish: the product has no catalogue, so English
        client_a.save()
        browser = login(case_manager)
        self._hand_over(browser, awaiting)
        page = browser.get(reverse("careplans:tablet", args=[awaiting.pk])).content.decode()
        assert f'<html lang="{language if language != "sv" else "en"}">' in page
        assert words in page
        assert "app-navbar" not in page and "Sign out" not in page
        assert "Mikkel Sørensen" in page and "signature-pad" in page

    def test_the_staff_member_gets_their_own_language_back_after_the_handover(
        self, login, case_manager, awaiting, client_a, password
    ):
        client_a.preferred_language = "ca"
        client_a.save()
        browser = login(case_manager)  # works in English
        self._hand_over(browser, awaiting)
        tablet = reverse("careplans:tablet", args=[awaiting.pk])
        assert "Signi aquí amb el dit" in browser.get(tablet).content.decode()
        response = browser.post(tablet, {"action": "return", "password": password}, follow=True)
        page = response.content.decode()
        assert '<html lang="en">' in page
        assert "Welcome back. The tablet is yours again." in page and "My caseload" in page

    def test_a_signature_is_saved_with_its_image(self, login, case_manager, awaiting):
        browser = login(case_manager)
        self._hand_over(browser, awaiting)
        tablet = reverse("careplans:tablet", args=[awaiting.pk])
        response = browser.post(tablet, {"action": "sign", "printed_name": "Mikkel Sørensen",
                                         "signature_svg": SIGNATURE_SVG, "signature_png": _png_data_url()})
        assert response.url == tablet
        signature = Signature.objects.get(plan=awaiting, role="client")
        assert signature.image_svg.startswith("<svg") and bytes(signature.image_png).startswith(b"\x89PNG")
        assert "tablet" in signature.device and signature.witnessed_by == case_manager
        # The next person around the client is asked next.
        assert "Sofie Sørensen" in browser.get(tablet).content.decode()

    @pytest.mark.parametrize("svg, png, message", [
        ("", "", "Sign in the box with your finger before pressing Sign."),
        ("<svg><script>alert(1)</script></svg>", "data:image/png;base64,AAAA", "could not be read"),
        ("not an image at all", "data:text/html;base64,PGgxPg==", "could not be read"),
    ])
    def test_an_empty_or_garbled_signature_is_refused_beside_the_pad(self, login, case_manager, awaiting, svg, png, message):
        browser = login(case_manager)
        self._hand_over(browser, awaiting)
        response = browser.post(reverse("careplans:tablet", args=[awaiting.pk]),
                                {"action": "sign", "printed_name": "Mikkel S.", "signature_svg": svg, "signature_png": png})
        page = response.content.decode()
        assert response.status_code == 200 and message in page
        assert 'value="Mikkel S."' in page
        assert not Signature.objects.exists()
        assert CarePlan.objects.get(pk=awaiting.pk).frozen_at is None

    def test_an_enormous_payload_is_refused(self, login, case_manager, awaiting):
        browser = login(case_manager)
        self._hand_over(browser, awaiting)
        huge = "<svg>" + "<path d='M 1 1 L 2 2'/>" * 20000 + "</svg>"
        page = browser.post(reverse("careplans:tablet", args=[awaiting.pk]),
                            {"action": "sign", "printed_name": "M", "signature_svg": huge,
                             "signature_png": _png_data_url()}).content.decode()
        assert "This signature is too large to save." in page or "Denne underskrift" in page
        assert not Signature.objects.exists()

    def test_declining_needs_a_reason_and_records_it(self, login, case_manager, awaiting):
        browser = login(case_manager)
        self._hand_over(browser, awaiting)
        tablet = reverse("careplans:tablet", args=[awaiting.pk])
        assert "This field is required." in browser.post(tablet, {"action": "decline", "decline_reason": ""}).content.decode()
        browser.post(tablet, {"action": "decline", "decline_reason": "I want to read it at home first"})
        signature = Signature.objects.get(plan=awaiting, role="client")
        assert signature.declined and signature.decline_reason == "I want to read it at home first"

    def test_taking_the_tablet_back_needs_the_case_managers_password(self, login, case_manager, awaiting, password):
        browser = login(case_manager)
        self._hand_over(browser, awaiting)
        tablet = reverse("careplans:tablet", args=[awaiting.pk])
        page = browser.post(tablet, {"action": "return", "password": "guess"}).content.decode()
        assert "That is not the password of Anna Lindqvist." in page
        assert browser.get(reverse("clients:list")).url == tablet
        response = browser.post(tablet, {"action": "return", "password": password})
        assert response.url == reverse("careplans:plan", args=[awaiting.pk])
        assert SESSION_KEY not in browser.session
        assert browser.get(reverse("clients:list")).status_code == 200
        summaries = list(AuditEvent.objects.filter(action="handover").order_by("at", "pk").values_list("summary", flat=True))
        assert summaries == ["tablet handed to the client", "tablet taken back by staff"]

    def test_the_clients_language_is_used_where_a_catalogue_exists(self, client_a, settings, tmp_path):
        from careplans.tablet import client_language

        client_a.preferred_language = "da"
        settings.LOCALE_PATHS = [tmp_path]
        assert client_language(client_a) == "en"
        (tmp_path / "da" / "LC_MESSAGES").mkdir(parents=True)
        (tmp_path / "da" / "LC_MESSAGES" / "django.mo").write_bytes(b"")
        assert client_language(client_a) == "da"
        client_a.preferred_language = "sv"  # a language the product does not offer at all
        assert client_language(client_a) == "en"

    def test_a_plan_that_is_not_handed_over_opens_normally(self, login, case_manager, awaiting):
        response = login(case_manager).get(reverse("careplans:tablet", args=[awaiting.pk]))
        assert response.url == reverse("careplans:plan", args=[awaiting.pk])


class TestStaffSigning:
    def test_the_case_manager_signs_with_their_password(self, login, case_manager, awaiting, password):
        browser = login(case_manager)
        url = reverse("careplans:sign", args=[awaiting.pk])
        page = browser.get(url).content.decode()
        assert "I made this plan with the client" in page
        assert "That is not the password" in browser.post(url, {"password": "nope"}).content.decode()
        browser.post(url, {"password": password})
        signature = Signature.objects.get(plan=awaiting, role="case_manager")
        assert signature.signer_user == case_manager and signature.printed_name == "Anna Lindqvist"

    def test_someone_else_has_nothing_to_sign(self, login, teammate, awaiting, team_north):
        team_north.members.add(teammate)
        from caseload.models import AgencySettings

        AgencySettings.objects.update_or_create(pk=1, defaults={"case_managers_see_team_clients": True})
        response = login(teammate).get(reverse("careplans:sign", args=[awaiting.pk]))
        assert response.url == reverse("careplans:plan", args=[awaiting.pk])


class TestVerifyAndPdf:
    def test_the_verify_page_says_intact_then_altered_after_one_byte_changes(self, login, case_manager, awaiting):
        plan = sign_all(awaiting, case_manager)
        browser = login(case_manager)
        url = reverse("careplans:verify", args=[plan.pk])
        assert "Intact." in browser.get(url).content.decode()
        from django.db import connection

        bypassing_triggers(
            "UPDATE careplans_careplan SET reasons_for_living = %s WHERE id = %s",
            ["My daughter Emmа", plan.pk if connection.vendor == "postgresql" else plan.pk.hex],  # a Cyrillic "а"
        )
        page = browser.get(url).content.decode()
        assert "Altered." in page and "Intact." not in page

    def test_the_pdf_state_is_reported_and_the_download_is_scoped_and_audited(
        self, login, case_manager, outsider, awaiting, settings, tmp_path
    ):
        settings.MEDIA_ROOT = str(tmp_path)
        plan = sign_all(awaiting, case_manager)
        browser = login(case_manager)
        status_url = reverse("careplans:pdf_status", args=[plan.pk])
        assert browser.get(status_url).json()["status"] == "queued"
        assert browser.get(reverse("careplans:pdf", args=[plan.pk])).url == reverse("careplans:plan", args=[plan.pk])
        document = PlanDocument.objects.get(plan=plan)
        document.file.save("careplans/test.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
        document.status, document.finished_at = PlanDocument.Status.READY, timezone.now()
        document.save()
        assert browser.get(status_url).json() == {
            "status": "ready", "label": "Ready", "download": reverse("careplans:pdf", args=[plan.pk]),
        }
        response = browser.get(reverse("careplans:pdf", args=[plan.pk]))
        assert b"".join(response.streaming_content) == b"%PDF-1.7 test"
        assert f"care-plan-{plan.client.client_number}-v1.pdf" in response["Content-Disposition"]
        assert AuditEvent.objects.filter(action="download", client_id=plan.client_id).count() == 1
        assert login(outsider).get(reverse("careplans:pdf", args=[plan.pk])).status_code == 404

    def test_a_failed_pdf_can_be_tried_again(self, login, case_manager, awaiting):
        plan = sign_all(awaiting, case_manager)
        PlanDocument.objects.filter(plan=plan).update(status=PlanDocument.Status.FAILED, error="boom", attempts=5)
        browser = login(case_manager)
        assert "Try again" in browser.get(reverse("careplans:plan", args=[plan.pk])).content.decode()
        browser.post(reverse("careplans:pdf_retry", args=[plan.pk]))
        document = PlanDocument.objects.get(plan=plan)
        assert (document.status, document.attempts, document.error) == ("queued", 0, "")


class TestReviewAndCompare:
    def test_review_then_compare_side_by_side(self, login, case_manager, awaiting):
        active = sign_all(awaiting, case_manager)
        browser = login(case_manager)
        response = browser.post(reverse("careplans:review", args=[active.pk]))
        draft = CarePlan.objects.get(client=active.client, number=2)
        assert response.url == reverse("careplans:edit", args=[draft.pk])
        goal = draft.goals.order_by("position").first()
        from careplans import services

        services.goal_save(plan=draft, by=case_manager, expected_version=draft.version, goal=goal,
                           values={"area": goal.area, "client_words": "Emma stays every other weekend", "description": ""},
                           objectives=[], actions=[])
        page = browser.get(reverse("careplans:compare", args=[draft.pk])).content.decode()
        assert "Version 1 beside version 2" in page and "1 part changed." in page
        assert "Emma stays every other weekend" in page

    def test_the_first_version_has_nothing_to_compare(self, login, case_manager, draft):
        response = login(case_manager).get(reverse("careplans:compare", args=[draft.pk]))
        assert response.url == reverse("careplans:plan", args=[draft.pk])


class TestQueryCounts:
    @pytest.mark.parametrize("view", ["careplans:plan", "careplans:edit"])
    def test_the_plan_pages_do_not_grow_with_the_number_of_goals(
        self, login, case_manager, client_a, sister, view, django_assert_num_queries
    ):
        browser = login(case_manager)
        browser.get(reverse("clients:detail", args=[client_a.pk]))  # settings and team ids are cached from here on
        counts = []
        for goals in (2, 8):
            # More goals, and more people around the client (some without consent to involvement).
            ContactFactory.create_batch(goals // 2, client=client_a, consents_to_involvement=False)
            CarePlan.objects.filter(client=client_a).update(status="closed")
            plan = make_draft(client_a, case_manager, goals=goals)
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                assert browser.get(reverse(view, args=[plan.pk])).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1], counts

    def test_the_compare_page_does_not_grow_with_the_number_of_goals(self, login, case_manager, client_a, sister):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from careplans import services
        from tests.careplans.conftest import sign_all

        browser = login(case_manager)
        browser.get(reverse("clients:detail", args=[client_a.pk]))  # settings and team ids are cached from here on
        counts = []
        for goals in (2, 8):
            CarePlan.objects.filter(client=client_a).update(status="closed")
            plan = make_draft(client_a, case_manager, goals=goals)
            plan = services.plan_send_for_signatures(plan=plan, by=case_manager, expected_version=plan.version)
            draft = services.plan_review_start(plan=sign_all(plan, case_manager), by=case_manager)
            with CaptureQueriesContext(connection) as queries:
                assert browser.get(reverse("careplans:compare", args=[draft.pk])).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1], counts
