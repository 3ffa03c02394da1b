"""The assessment pages make the same number of queries however many assessments and items there are."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import AssessmentItem
from tests.factories import AssessmentFactory
from tests.statements import statement_count


def queries(web, path: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = web.get(path)
    assert response.status_code == 200
    return statement_count(captured)


def add_assessments(client, count):
    for _ in range(count):
        assessment = AssessmentFactory(client=client)
        AssessmentItem.objects.bulk_create(
            [AssessmentItem(assessment=assessment, client=client, domain="coping", kind="need", text=f"Need {n}",
                            position=n) for n in range(5)]
        )
    return assessment


def test_it_lists_assessments_in_the_same_queries_at_any_size(login, case_manager, client_a):
    web = login(case_manager)
    add_assessments(client_a, 2)
    small = queries(web, f"/assessments/clients/{client_a.pk}/assessments/")
    add_assessments(client_a, 20)
    large = queries(web, f"/assessments/clients/{client_a.pk}/assessments/")
    assert small == large


def test_it_shows_an_assessment_in_the_same_queries_at_any_size(login, case_manager, client_a):
    web = login(case_manager)
    few = add_assessments(client_a, 1)
    small = queries(web, f"/assessments/assessments/{few.pk}/")
    many = AssessmentFactory(client=client_a)
    AssessmentItem.objects.bulk_create(
        [AssessmentItem(assessment=many, client=client_a, domain=d, kind=k, text=f"{d} {k} {n}", position=n)
         for d in ("coping", "safety", "relationships") for k in ("need", "goal", "strength") for n in range(6)]
    )
    assert queries(web, f"/assessments/assessments/{many.pk}/") == small
    assert queries(web, f"/assessments/assessments/{many.pk}/edit/") == queries(web, f"/assessments/assessments/{few.pk}/edit/")
