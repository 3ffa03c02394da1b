"""The goal rows of the plan pages, built in careplans.templatetags.plan_rows: hostile text stays text."""

from datetime import date

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from careplans import services
from careplans.content import plan_parts
from careplans.models import CarePlan
from careplans.templatetags.plan_rows import plan_goals
from tests.careplans.conftest import make_draft
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> & \'quoted\''

# The loop the tag replaced, as _plan_body.html had it: the tag must give the same HTML.
TEMPLATE_LOOP = """{% load i18n %}{% for goal in goals %}
  <article class="goal card mb-3" aria-labelledby="goal-{{ goal.pk }}">
    <div class="card-body">
      <div class="d-flex flex-wrap justify-content-between gap-2">
        <p class="goal-area mb-1">{{ forloop.counter }}. {{ goal.get_area_display }}</p>
        {% if show_progress %}<span class="badge goal-status goal-{{ goal.status }}">{{ goal.get_status_display }}</span>{% endif %}
      </div>
      <h3 class="h5 client-words" id="goal-{{ goal.pk }}">“{{ goal.client_words }}”</h3>
      {% if goal.description %}<p class="prewrap">{{ goal.description }}</p>{% endif %}
      {% if show_progress and goal.status_reason %}<p class="small text-body-secondary">{% translate "Why" %}: {{ goal.status_reason }}</p>{% endif %}
      {% if show_progress and plan.status == "active" %}<p class="mb-2"><a class="small" href="{% url 'careplans:goal_status' goal.pk %}">{% translate "Record progress" %}<span class="visually-hidden"> {% blocktranslate with number=forloop.counter %}on goal {{ number }}{% endblocktranslate %}</span></a></p>{% endif %}
      {% with objectives=goal.objectives.all actions=goal.actions.all %}
      {% if objectives %}
      <table class="table table-sm plan-table">
        <caption class="visually-hidden">{% translate "Objectives" %}</caption>
        <thead><tr><th scope="col">{% translate "Objective" %}</th><th scope="col" class="when">{% translate "By when" %}</th></tr></thead>
        <tbody>{% for objective in objectives %}<tr><td>{{ objective.text }}</td><td>{{ objective.target_date|date:"SHORT_DATE_FORMAT"|default:"—" }}</td></tr>{% endfor %}</tbody>
      </table>
      {% endif %}
      {% if actions %}
      <table class="table table-sm plan-table">
        <caption class="visually-hidden">{% translate "Actions" %}</caption>
        <thead><tr><th scope="col">{% translate "What we will do" %}</th><th scope="col">{% translate "Who" %}</th><th scope="col" class="when">{% translate "By when" %}</th></tr></thead>
        <tbody>{% for action in actions %}<tr><td>{{ action.text }}</td><td>{{ action.who_label }}</td><td>{{ action.due_on|date:"SHORT_DATE_FORMAT"|default:"—" }}</td></tr>{% endfor %}</tbody>
      </table>
      {% endif %}
      {% endwith %}
    </div>
  </article>
  {% empty %}
  <p class="text-body-secondary">{% translate "No goals yet." %}</p>
  {% endfor %}"""


def hostile_draft(client, by) -> CarePlan:
    plan = make_draft(client, by, goals=1)
    services.goal_save(
        plan=plan, by=by, expected_version=CarePlan.objects.get(pk=plan.pk).version, goal=None,
        values={"area": "legal", "client_words": HOSTILE, "description": HOSTILE},
        objectives=[{"text": HOSTILE, "target_date": None}, {"text": "Second", "target_date": date(2027, 3, 1)}],
        actions=[{"text": HOSTILE, "who": "provider", "who_name": HOSTILE, "due_on": None},
                 {"text": "Call", "who": "client", "who_name": "", "due_on": date(2027, 2, 1)}],
    )
    return CarePlan.objects.get(pk=plan.pk)


def test_hostile_goal_text_is_escaped_on_the_plan_page(login, case_manager, client_a):
    plan = hostile_draft(client_a, case_manager)
    web = login(case_manager)
    html = web.get(reverse("careplans:plan", args=[plan.pk])).content.decode()
    assert "<script>alert" not in html
    assert "“&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27;”" in html
    assert "Outside provider: &lt;script&gt;" in html


@pytest.mark.parametrize("language", ["en", "da", "ca", "fr"])
@pytest.mark.parametrize("show_progress", [True, False])
@pytest.mark.parametrize("status", ["draft", "active"])
def test_the_tag_gives_the_html_of_the_template_loop(client_a, case_manager, language, show_progress, status):
    plan = hostile_draft(client_a, case_manager)
    plan.status = status  # in memory only: the record link is shown on an active plan
    goals = plan_parts(plan).goals
    goals[0].status_reason = HOSTILE
    with translation.override(language):
        expected = Template(TEMPLATE_LOOP).render(Context({"plan": plan, "goals": goals, "show_progress": show_progress}))
        assert plan_goals(plan, goals, show_progress) == expected


def test_no_goals_reads_as_the_template_did(client_a, case_manager):
    plan = make_draft(client_a, case_manager, goals=0)
    assert plan_goals(plan, [], True) == Template(TEMPLATE_LOOP).render(Context({"plan": plan, "goals": []}))


# The goal list of plan_form.html before draft_goals.
DRAFT_LOOP = """{% load i18n %}{% for goal in goals %}
        <li class="list-group-item d-flex flex-wrap gap-2 justify-content-between align-items-start">
          <div class="ms-2 me-auto goal-summary">
            <span class="small text-body-secondary">{{ goal.get_area_display }}</span><br>
            <strong class="client-words">“{{ goal.client_words }}”</strong><br>
            <span class="small">{% blocktranslate count counter=goal.objectives.all|length %}{{ counter }} objective{% plural %}{{ counter }} objectives{% endblocktranslate %} · {% blocktranslate count counter=goal.actions.all|length %}{{ counter }} action{% plural %}{{ counter }} actions{% endblocktranslate %}</span>
          </div>
          <div class="d-flex gap-1 flex-wrap">
            <a class="btn btn-sm btn-outline-primary" href="{% url 'careplans:goal_edit' goal.pk %}">{% translate "Edit" %}<span class="visually-hidden"> {% blocktranslate with number=forloop.counter %}goal {{ number }}{% endblocktranslate %}</span></a>
            {% if not forloop.first %}<form method="post" action="{% url 'careplans:goal_move' goal.pk %}">{% csrf_token %}<input type="hidden" name="version" value="{{ plan.version }}"><input type="hidden" name="direction" value="up"><button class="btn btn-sm btn-outline-secondary" type="submit">{% translate "Move up" %}<span class="visually-hidden"> {% blocktranslate with number=forloop.counter %}goal {{ number }}{% endblocktranslate %}</span></button></form>{% endif %}
            <form method="post" action="{% url 'careplans:goal_remove' goal.pk %}">{% csrf_token %}<input type="hidden" name="version" value="{{ plan.version }}"><button class="btn btn-sm btn-outline-danger" type="submit">{% translate "Remove" %}<span class="visually-hidden"> {% blocktranslate with number=forloop.counter %}goal {{ number }}{% endblocktranslate %}</span></button></form>
          </div>
        </li>
        {% empty %}
        <li class="list-group-item text-body-secondary">{% translate "No goals yet. Add the first one with the client, in their words." %}</li>
        {% endfor %}"""


def test_hostile_goal_text_is_escaped_on_the_edit_page(login, case_manager, client_a):
    plan = hostile_draft(client_a, case_manager)
    web = login(case_manager)
    html = web.get(reverse("careplans:edit", args=[plan.pk])).content.decode()
    assert "<script>alert" not in html
    assert "“&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27;”" in html
    assert html.count('name="csrfmiddlewaretoken"') == 2 + 2 + 1 + 2  # remove ×2, move up ×1, the plan and send forms


@pytest.mark.parametrize("language", ["en", "da", "ca", "fr"])
@pytest.mark.parametrize("goals", [0, 1, 3])
def test_draft_goals_gives_the_html_of_the_template_loop(client_a, case_manager, language, goals):
    # One goal: the hostile draft (two goals, one of them hostile).
    plan = hostile_draft(client_a, case_manager) if goals == 1 else make_draft(client_a, case_manager, goals=goals)
    parts = plan_parts(plan).goals
    context = {"plan": plan, "goals": parts, "csrf_token": 'tok"en<'}
    with translation.override(language):
        expected = Template(DRAFT_LOOP).render(Context(context))
        assert Template("{% load plan_rows %}{% draft_goals plan goals %}").render(Context(context)) == expected


# The rows of plan_compare.html before compare_rows.
COMPARE_LOOP = """{% load i18n %}{% for row in rows %}{% ifchanged row.section %}<tr class="table-light"><th scope="colgroup" colspan="3">{{ row.section }}</th></tr>{% endifchanged %}
    <tr class="compare-{{ row.kind }}">
      <th scope="row">{{ row.label }}{% if row.kind != "same" %} <span class="badge compare-badge">{% if row.kind == "added" %}{% translate "added" %}{% elif row.kind == "removed" %}{% translate "removed" %}{% else %}{% translate "changed" %}{% endif %}</span>{% endif %}</th>
      <td>{% for line in row.before %}<div{% if line not in row.after %} class="compare-old"{% endif %}>{{ line }}</div>{% empty %}<span class="text-body-secondary">—</span>{% endfor %}</td>
      <td>{% for line in row.after %}<div{% if line not in row.before %} class="compare-new"{% endif %}>{{ line }}</div>{% empty %}<span class="text-body-secondary">—</span>{% endfor %}</td>
    </tr>
  {% endfor %}"""


def _old_goal_lines(goal) -> list[str]:
    """careplans.compare's goal lines as they were made before _GoalLines ('by' now from the catalogue)."""
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _
    from django.utils.translation import pgettext

    by = pgettext("before a date: to be done by that day", "by")

    lines = [f"{goal.get_area_display()}: “{goal.client_words}”"]
    if goal.description:
        lines.append(goal.description)
    for objective in goal.objectives.all():
        when = f" ({by} {date_format(objective.target_date, 'SHORT_DATE_FORMAT')})" if objective.target_date else ""
        lines.append(f"{_('Objective')}: {objective.text}{when}")
    for action in goal.actions.all():
        when = f", {by} {date_format(action.due_on, 'SHORT_DATE_FORMAT')}" if action.due_on else ""
        lines.append(f"{_('Action')}: {action.text} — {action.who_label}{when}")
    return lines


@pytest.mark.parametrize("language", ["en", "da", "ca", "fr"])
def test_compare_rows_and_lines_are_what_they_were(client_a, case_manager, language):
    from careplans.compare import compare_versions
    from careplans.templatetags.plan_rows import compare_rows

    before = plan_parts(make_draft(client_a, case_manager, goals=2))
    after = plan_parts(hostile_draft(ClientFactory(case_manager=case_manager), case_manager))
    after.plan.warning_signs = HOSTILE
    with translation.override(language):
        rows = compare_versions(before, after)
        goal_rows = [row for row in rows if row.section == rows[3].section]
        assert [row.after for row in goal_rows[: len(after.goals)]] == [_old_goal_lines(goal) for goal in after.goals]
        html = compare_rows(rows)
        assert html == Template(COMPARE_LOOP).render(Context({"rows": rows}))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_hostile_goal_text_is_escaped_on_the_compare_page(login, case_manager, awaiting):
    from tests.careplans.conftest import sign_all

    active = sign_all(awaiting, case_manager)
    draft = services.plan_review_start(plan=active, by=case_manager)
    services.goal_save(
        plan=draft, by=case_manager, expected_version=draft.version, goal=None,
        values={"area": "legal", "client_words": HOSTILE, "description": ""},
        objectives=[{"text": HOSTILE, "target_date": date(2027, 3, 1)}], actions=[],
    )
    html = login(case_manager).get(reverse("careplans:compare", args=[draft.pk])).content.decode()
    assert "<script>alert" not in html
    assert '<div class="compare-new">Legal matters: “&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27;”</div>' in html


def test_two_versions_read_together_are_what_each_reads_alone(client_a, case_manager):
    from careplans.content import plans_parts

    first = make_draft(client_a, case_manager, goals=3)
    second = hostile_draft(ClientFactory(case_manager=case_manager), case_manager)
    together = plans_parts([first, second])
    for parts, plan in zip(together, [first, second], strict=True):
        alone = plan_parts(plan)
        assert [goal.pk for goal in parts.goals] == [goal.pk for goal in alone.goals]
        assert parts.hash == alone.hash


# The rows of plan_list.html before plan_version_rows.
VERSIONS_LOOP = """{% load i18n %}{% for plan in plans %}
    <tr>
      <td><a href="{% url 'careplans:plan' plan.pk %}">{% blocktranslate with number=plan.number %}Version {{ number }}{% endblocktranslate %}</a></td>
      <td>{% include "careplans/_status_badge.html" %}</td>
      <td>{{ plan.created_by.display_name }}, {{ plan.created_at|date:"SHORT_DATE_FORMAT" }}</td>
      <td>{% if plan.effective_on %}{{ plan.effective_on|date:"SHORT_DATE_FORMAT" }}{% if plan.ended_at %} – {{ plan.ended_at|date:"SHORT_DATE_FORMAT" }}{% endif %}{% else %}—{% endif %}</td>
      <td>{{ plan.review_on|date:"SHORT_DATE_FORMAT"|default:"—" }}</td>
    </tr>
  {% endfor %}"""


@pytest.mark.parametrize("language", ["en", "da", "ca", "fr"])
def test_version_rows_give_the_html_of_the_template_loop(client_a, case_manager, language):
    from datetime import UTC, datetime

    from careplans.templatetags.plan_rows import plan_version_rows

    case_manager.first_name = HOSTILE
    case_manager.save()
    make_draft(client_a, case_manager, goals=1)
    plans = list(CarePlan.objects.filter(client=client_a).select_related("created_by"))
    plans.append(CarePlan(  # in memory: an ended version, with every date
        client=client_a, number=7, status="superseded", created_by=case_manager, effective_on=date(2026, 1, 5),
        ended_at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC), review_on=date(2026, 4, 1),
    ))
    with translation.override(language):
        html = plan_version_rows(plans)
        assert html == Template(VERSIONS_LOOP).render(Context({"plans": plans}))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_hostile_names_are_escaped_on_the_versions_page(login, case_manager, client_a):
    case_manager.first_name = "<script>alert(1)</script>"
    case_manager.save()
    make_draft(client_a, case_manager, goals=1)
    html = login(case_manager).get(reverse("careplans:plans", args=[client_a.pk])).content.decode()
    assert "<td><script>" not in html and "<td>&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_goals_lines_say_by_when_in_the_readers_language(db):
    """'by' before an objective's target date is in the catalogue now (it sat in an f-string, never extracted)."""
    from datetime import date

    from django.utils import translation

    from careplans.compare import _GoalLines
    from tests.factories import ObjectiveFactory

    objective = ObjectiveFactory(text="Apply to two housing associations", target_date=date(2026, 12, 1))
    for language, by in (("en", "by"), ("da", "senest"), ("fr", "d'ici le"), ("ca", "abans del")):
        with translation.override(language):
            lines = _GoalLines()(objective.goal)
        assert lines[-1].startswith(f"{lines[-1].split(':')[0]}: Apply to two housing associations ({by} "), (language, lines)
