"""The plan form's fields through careplans.templatetags.plan_fields: crispy's HTML, values escaped."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.urls import reverse
from django.utils import translation

from careplans import services
from careplans.forms import PlanForm
from careplans.models import CarePlan
from careplans.templatetags.plan_fields import MARKER, as_plan_field
from tests.careplans.conftest import make_draft

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> & \'quoted\'\n second line'


@pytest.mark.parametrize("language", ["en", "da", "ca", "fr"])
def test_each_field_is_what_crispy_renders(client_a, case_manager, language):
    plan = make_draft(client_a, case_manager, goals=0)  # some fields filled, others empty
    plan.title = HOSTILE[:100]
    plan.strengths = HOSTILE
    form = PlanForm(instance=plan, initial={"version": plan.version})
    with translation.override(language):
        for name in CarePlan.CONTENT_FIELDS:
            assert as_plan_field(form[name]) == as_crispy_field(form[name]), name


def test_a_bound_form_is_left_to_crispy_with_its_errors():
    form = PlanForm(data={"title": "x" * 200, "version": "1"})
    assert not form.is_valid()
    assert as_plan_field(form["title"]) == as_crispy_field(form["title"])
    assert "is-invalid" in as_plan_field(form["title"])


def test_hostile_plan_text_is_escaped_on_the_edit_page(login, case_manager, client_a):
    plan = make_draft(client_a, case_manager, goals=0)
    services.plan_save(plan=plan, by=case_manager, expected_version=plan.version,
                       values={**{name: getattr(plan, name) for name in CarePlan.CONTENT_FIELDS},
                               "title": "<script>alert(1)</script>", "warning_signs": HOSTILE})
    html = login(case_manager).get(reverse("careplans:edit", args=[plan.pk])).content.decode()
    assert "<script>alert" not in html
    assert MARKER not in html
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27;\n second line</textarea>" in html
