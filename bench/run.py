"""Agency-scale benchmark: seed 100 case managers and 5,000 clients in PostgreSQL, then time the pages.

    python bench/run.py [--requests 50] [--warmup 5] [--pdf-renders 10] [--sweeps 3] [--keep-db] [--check]

Uses DATABASE_URL (PostgreSQL only), or postgres://postgres@127.0.0.1:5432/caseload_bench when it is
unset. The database is dropped and created again for a clean run, so its name must contain "bench".
Every page is requested in-process with Django's test client, round-robin so that all pages see the
same database state; the time is the server's own (bench.middleware.ServerTimingMiddleware). The
number of queries comes from one more request per page under CaptureQueriesContext. The care plan's
PDF, which the worker renders, is timed against a one-line WeasyPrint document; the daily reminder sweep
on an empty reminders table and again the same day (which must make nothing). The agency has 250,000
progress notes. Results are printed as tables and written to bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "latest.json"
MEDIA = ROOT / "bench" / "results" / "media"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/caseload_bench"

# Every page must answer within this many times the floor, and faster than the Django admin list.
TARGET_RATIO = 3.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page (at least 30; default 50)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per page first (default 5)")
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--managers", type=int, default=100)
    parser.add_argument("--pdf-renders", type=int, default=10, help="timed renders of each PDF (at least 10; default 10)")
    parser.add_argument("--sweeps", type=int, default=3, help="timed reminder sweeps of each kind (default 3)")
    parser.add_argument("--keep-db", action="store_true", help="reuse the database as it is: no drop, no seed")
    parser.add_argument("--check", action="store_true", help="exit 1 when a page misses its target")
    args = parser.parse_args()
    if args.requests < 30:
        parser.error("--requests must be at least 30 for a stable median")
    if args.pdf_renders < 10:
        parser.error("--pdf-renders must be at least 10")
    if args.sweeps < 1:
        parser.error("--sweeps must be at least 1")
    return args


def bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if urlparse(url).scheme not in ("postgres", "postgresql"):
        sys.exit(f"The benchmark runs on PostgreSQL only; DATABASE_URL is {urlparse(url).scheme or url!r}.")
    return url


def recreate_database(url: str) -> None:
    """Drop and create the bench database, through the server's maintenance database `postgres`."""
    import psycopg
    from psycopg import sql

    parsed = urlparse(url)
    name = unquote(parsed.path[1:])
    if "bench" not in name:
        sys.exit(
            f"Refusing to drop database {name!r}: the benchmark recreates its database on every run. "
            "Point DATABASE_URL at a database whose name contains 'bench', or unset it."
        )
    options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    with psycopg.connect(
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or 5432,
        user=unquote(parsed.username or "") or None,
        password=unquote(parsed.password or "") or None,
        dbname="postgres",
        autocommit=True,
        **options,
    ) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str) -> None:
    # WhiteNoise warns once that collectstatic has not been run; the bench serves no static files.
    warnings.filterwarnings("ignore", message="No directory at")
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    # The PDF the bench renders is stored as a finished document (the verify page hashes it): not among real files.
    os.environ["MEDIA_ROOT"] = str(MEDIA)
    import django

    django.setup()


@dataclass
class Page:
    name: str
    username: str
    path: str
    method: str = "get"
    data: dict = field(default_factory=dict)
    status: int = 200
    expect: str | tuple[str, ...] = ""  # text the response must contain, so an error page is never timed as a success
    before: tuple[str, str, dict] | None = None  # a request made once, untimed, before the first timing
    headers: dict = field(default_factory=dict)
    update: Callable | None = None  # called with (page, response) after each request: keeps a form's version in step
    smaller: Page | None = None  # the same page for a smaller record: its number of queries must be the same
    sizes: str = ""  # the two sizes, smaller first: "30 → 301 notes"
    times: list[float] = field(default_factory=list)
    sql_times: list[float] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    smaller_queries: list[str] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def sql_median(self) -> float:
        return statistics.median(self.sql_times)

    @property
    def p90(self) -> float:
        return statistics.quantiles(self.times, n=10)[-1]


def choose_subjects():
    """The case manager with the fullest caseload, their best-documented client, a name to search for."""
    from django.db.models import Count, Q

    from caseload.models import User
    from clients.models import Client

    manager = (
        User.objects.filter(role="case_manager")
        .annotate(open_clients=Count("caseload", filter=~Q(caseload__status="discharged")))
        .order_by("-open_clients", "username")
        .first()
    )
    client = (
        Client.objects.filter(case_manager=manager)
        .open()
        .annotate(people=Count("contacts", distinct=True) + Count("dependants", distinct=True))
        .order_by("-people", "client_number")
        .first()
    )
    # The family name most of their clients share: the search with the most rows to show.
    family_name, matches = (
        Client.objects.filter(case_manager=manager)
        .open()
        .values_list("legal_family_name")
        .annotate(count=Count("pk"))
        .order_by("-count", "legal_family_name")
        .first()
    )
    supervisor = User.objects.filter(supervised_teams__members=manager).order_by("username").first()
    return manager, client, family_name, matches, supervisor


# Screening results across the agency: most open clients have had a PHQ-9, many a GAD-7, some the
# substance-use screens. The C-SSRS is left out: its answers follow skip logic and raise risk flags.
SCREENS = [("phq9", 0.7), ("phq9", 0.35), ("gad7", 0.4), ("auditc", 0.15), ("dast10", 0.1)]


def _scored_response(instrument, client, administered_on, rng, *, mood: float):
    """A complete, believable response with no risk finding; `mood` (0–1) tilts the answers upwards."""
    from assessments.models import InstrumentResponse

    scored = [item for item in instrument.items if item.scored]
    while True:
        answers = {
            item.key: item.values[min(int(rng.random() * len(item.values) * (0.4 + 0.6 * mood)), len(item.values) - 1)]
            for item in scored
        }
        result = instrument.score(answers, sex=client.sex)
        if not result.risk_findings:
            break
    return InstrumentResponse(
        client=client, instrument=instrument.code, answers=answers, administered_on=administered_on,
        administered_by_id=client.case_manager_id, complete=True, total=result.total,
        band_label=result.band_label or "", severity=result.severity or "", summary=result.summary[:200],
        protected_substance_use=instrument.protected_substance_use,
    )


def seed_instrument_responses(client, *, seed: int = 2026) -> int:
    """Screening results for the agency's open clients, and six monthly PHQ-9s for the benchmark's client."""
    import random
    from datetime import timedelta

    from django.utils import timezone

    from assessments.instruments import get_instrument
    from assessments.models import InstrumentResponse
    from clients.models import Client

    rng = random.Random(seed)
    today = timezone.localdate()
    responses = []
    for each in Client.objects.open().filter(case_manager__isnull=False).exclude(pk=client.pk).order_by("client_number"):
        for code, share in SCREENS:
            if rng.random() < share:
                day = today - timedelta(days=rng.randint(1, 540))
                responses.append(_scored_response(get_instrument(code), each, day, rng, mood=rng.random()))
    phq9 = get_instrument("phq9")
    for months_ago in range(6, 0, -1):
        day = today - timedelta(days=30 * months_ago - 3)
        responses.append(_scored_response(phq9, client, day, rng, mood=months_ago / 6))
    InstrumentResponse.objects.bulk_create(responses, batch_size=2000)
    return len(responses)


def seed_assessments(client, *, seed: int = 2026) -> int:
    """An intake assessment for a third of the open clients, and four (intake, reviews) for the benchmark's client."""
    import random
    from datetime import timedelta

    from django.utils import timezone

    from assessments.domains import DOMAINS
    from assessments.models import Assessment, AssessmentItem, DomainEntry
    from clients.models import Client

    rng = random.Random(seed)
    today = timezone.localdate()
    subjects = [c for c in Client.objects.open().filter(case_manager__isnull=False).exclude(pk=client.pk) if rng.random() < 0.33]
    plan = [(each, "intake", today - timedelta(days=rng.randint(30, 700))) for each in subjects]
    plan += [(client, occasion, today - timedelta(days=90 * n)) for n, occasion in
             ((12, "intake"), (9, "review"), (6, "review"), (3, "review"))]
    assessments = [
        Assessment(client=each, occasion=occasion, assessed_on=day, assessor_id=each.case_manager_id, status="completed",
                   signed_name="Case manager", signed_role="Case manager", signed_meaning="Signed", content_hash="0" * 64)
        for each, occasion, day in plan
    ]
    Assessment.objects.bulk_create(assessments, batch_size=2000)
    entries, items = [], []
    for assessment in assessments:
        for domain in DOMAINS[:6]:
            entries.append(DomainEntry(assessment=assessment, client_id=assessment.client_id, domain=domain.key,
                                       narrative="Seen at home; engaged well."))
            items.append(AssessmentItem(assessment=assessment, client_id=assessment.client_id, domain=domain.key,
                                        kind="need", text="Support with this area", position=0))
    DomainEntry.objects.bulk_create(entries, batch_size=2000)
    AssessmentItem.objects.bulk_create(items, batch_size=2000)
    return len(assessments)


# Care plans: what a case manager writes with a client. Each goal is (area, the client's words, what it
# means in practice, objectives as (text, days to the target), actions as (text, who, name, days)).
PLAN_GOALS = [
    ("housing", "I want a flat of my own where I feel safe",
     "Move from the hostel into a tenancy of their own, near their sister, before the winter.",
     [("Apply to two housing associations", 30), ("View at least one flat and decide on it", 120)],
     [("Fill in the housing applications together", "case_manager", "", 14),
      ("Gather proof of income, ID and the hostel letter", "client", "", 21),
      ("Support letter to the housing office", "provider", "Dr. Holm, GP", 30)]),
    ("mental_health", "I want to get through the day without the panic taking over",
     "Fewer panic attacks, and knowing what to do when one starts.",
     [("Use the breathing exercise at the first sign of panic, four days a week", 30),
      ("Panic attacks down from daily to twice a week (own diary)", 90)],
     [("Practise the breathing exercise every evening", "client", "", 7),
      ("Refer to the anxiety group at the community clinic", "case_manager", "", 14),
      ("Go through the panic diary at every visit", "case_manager", "", 30)]),
    ("medication", "I want to take my tablets without forgetting",
     "Take the prescribed medication every day and talk to the doctor about side effects instead of stopping.",
     [("Use the weekly pill organiser every day for a month", 30), ("Medication review with the psychiatrist", 60)],
     [("Fill the pill organiser with the pharmacy on Mondays", "provider", "Apoteket Nørrebro", 7),
      ("Phone reminder at 8 each morning", "client", "", 3),
      ("Book and attend the medication review", "case_manager", "", 45)]),
    ("work", "I want to get back to work, a few hours to begin with",
     "Start with volunteering two mornings a week, then look at paid work.",
     [("Visit two volunteering places", 45), ("Volunteer two mornings a week for a month", 120)],
     [("Meet the employment adviser together", "case_manager", "", 21),
      ("Write a short CV with the job centre", "provider", "Job centre, Anne Kjær", 30)]),
    ("relationships", "I want to see my children every week",
     "Regular, planned contact with the children, agreed with their father.",
     [("Agree a weekly contact day with the children's father", 30), ("Contact every week for two months", 90)],
     [("Family meeting with the children's father", "case_manager", "", 21),
      ("Plan one activity for each visit", "client", "", 30),
      ("Ask the family counsellor for support at handovers", "family", "Mette, sister", 30)]),
    ("money", "I want my debts under control so the letters stop",
     "A budget, and a repayment plan with the creditors.",
     [("A written monthly budget", 21), ("A repayment plan agreed with every creditor", 90)],
     [("Open the letters together once a week", "case_manager", "", 7),
      ("Appointment with the debt counselling service", "provider", "Gældsrådgivningen", 30)]),
    ("substance_use", "I want to drink less, so I remember my weekends",
     "No more than two drinking days a week, with support from the alcohol service.",
     [("Drink diary for four weeks", 28), ("Two or fewer drinking days a week for a month", 90)],
     [("First appointment at the alcohol service", "provider", "Alkoholbehandlingen", 14),
      ("Keep the drink diary on the phone", "client", "", 7),
      ("Talk through the diary at each visit", "case_manager", "", 28)]),
    ("daily_living", "I want to cook proper meals again",
     "Cook a hot meal at least four days a week and shop with a list.",
     [("Shop once a week with a list", 21), ("Cook a hot meal four days a week", 60)],
     [("Shop together the first two weeks", "case_manager", "", 14),
      ("Join the cooking group at the activity centre", "client", "", 30)]),
]
PLAN_SAFETY = {
    "warning_signs": (
        "Not sleeping for two nights\nStaying in bed and not answering the phone\n"
        "Thinking that everyone would be better off without me"
    ),
    "coping_strategies": (
        "Go for a walk by the lakes\nListen to the playlist on my phone\nTake a cold shower\nWrite in my notebook"
    ),
    "distractions": "My sister Mette's flat\nThe library café\nThe Tuesday walking group",
    "help_contacts": "Mette (sister) 20 45 67 89\nAli (friend) 31 22 44 10",
    "professional_contacts": (
        "Case manager: {case_manager}, 33 12 40 00 (weekdays 8–16)\nGP: Dr. Holm, 35 36 37 38\n"
        "Psychiatric emergency: 38 64 00 00 (day and night)\nEmergency: 112"
    ),
    "safe_environment": (
        "Mette keeps the spare tablets at her flat\nThe pharmacy hands out one week's medication at a time"
    ),
    "reasons_for_living": "My children\nMy cat, Luna\nSeeing the sea in summer",
}
PLAN_STRENGTHS = (
    "Keeps in touch with their sister\nGood at drawing\nCame to every appointment this year\n"
    "Knows when they are getting unwell"
)
PLAN_SUMMARY = "A home of my own, my children visiting on Sundays, and a job where people know my name."
DEVICE = (
    "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)


def _pad_signature():
    """A signature as the pad posts it (one path per curve segment, as signature_pad's toSVG writes), cleaned."""
    import base64
    import math
    import random

    from PIL import Image, ImageDraw

    from careplans.signature_payload import clean_signature

    rng = random.Random(7)
    width, height, ratio = 600, 200, 2
    paths, strokes = [], []
    for stroke in range(3):
        points = []
        x = 40 + stroke * 180
        for step in range(35):
            x += 4.4 + rng.random() * 1.2
            y = 100 + 45 * math.sin(step / 2.5 + stroke) + rng.random() * 4
            points.append((x, y))
        strokes.append(points)
        for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
            paths.append(
                f'<path d="M {x0:.3f},{y0:.3f} C {x0 + 0.7:.3f},{y0 + 0.4:.3f} {x1 - 0.7:.3f},{y1 - 0.4:.3f} '
                f'{x1:.3f},{y1:.3f}" stroke-width="{1.8 + rng.random() * 2.5:.3f}" stroke="black" fill="none" '
                'stroke-linecap="round"></path>'
            )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">{"".join(paths)}</svg>'
    )
    image = Image.new("RGBA", (width * ratio, height * ratio), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    for points in strokes:
        draw.line([(x * ratio, y * ratio) for x, y in points], fill="black", width=5, joint="curve")
    png = io.BytesIO()
    image.save(png, format="PNG")
    return clean_signature(svg, "data:image/png;base64," + base64.b64encode(png.getvalue()).decode("ascii"))


@dataclass
class _Version:
    plan: object
    goals: list = field(default_factory=list)  # (Goal, [Objective], [Action])


def _plan_goals(version, picks, start, rng, *, case_manager_id, tracked: bool, reword: str = ""):
    """The version's goals from PLAN_GOALS by (index, lineage to keep or None); `reword` is added to the first."""
    from datetime import timedelta

    from careplans.models import Action, Goal, Objective

    plan = version.plan
    for position, (goal_index, lineage) in enumerate(picks):
        area, words, description, objectives, actions = PLAN_GOALS[goal_index]
        goal = Goal(
            plan=plan, client_id=plan.client_id, position=position, area=area, client_words=words,
            description=description + (reword if position == 0 else ""),
        )
        if lineage is not None:
            goal.lineage = lineage
        if tracked:
            goal.status = rng.choice(["not_started", "in_progress", "in_progress", "achieved"])
            if goal.status != "not_started":
                goal.status_changed_at = plan.created_at + timedelta(days=rng.randint(10, 40))
                goal.status_changed_by_id = case_manager_id
        version.goals.append((
            goal,
            [Objective(goal=goal, client_id=plan.client_id, position=n, text=text, target_date=start + timedelta(days=days))
             for n, (text, days) in enumerate(objectives)],
            [Action(goal=goal, client_id=plan.client_id, position=n, text=text, who=who, who_name=name,
                    due_on=start + timedelta(days=days))
             for n, (text, who, name, days) in enumerate(actions[: rng.choice((2, 3))])],
        ))


def seed_care_plans(client, manager, *, seed: int = 2026) -> dict:
    """Signed, active care plans for every open client of `manager` and half of the agency's other open clients.

    Each has 3–5 goals (2 objectives and 2–3 actions each), a filled safety plan, and the client's (drawn on
    the pad) and the case manager's signatures. Some had a version before (superseded); some have a review
    under way (a draft of the next version with the same goals, one reworded, one replaced). The benchmark's
    client has five versions: three superseded, the active one (5 goals) and a draft from its review; another
    client of the same case manager a smaller plan (3 goals, a draft of version 2), to count the pages'
    queries at a second size. Bulk inserts: the plans go in unfrozen with the SHA-256 of their content
    (careplans.content.plan_content over the rows about to be inserted), their goals, objectives and actions
    after them (the database refuses those on a frozen plan), then one UPDATE freezes the signed versions,
    and the signatures follow.
    """
    import random
    from datetime import timedelta

    from django.db import connection, transaction
    from django.utils import timezone

    from assessments.models import Assessment
    from assessments.services import content_hash
    from careplans.content import PlanParts, plan_content, plan_parts
    from careplans.models import Action, CarePlan, Goal, Objective, Signature
    from careplans.services import MEANINGS
    from clients.models import Client

    rng = random.Random(seed)
    now = timezone.now()
    drawn = _pad_signature()
    assessments = dict(
        Assessment.objects.filter(status="completed").order_by("assessed_on").values_list("client_id", "pk")
    )
    if CarePlan.objects.filter(client=client).exists():
        raise SystemExit(f"{client.client_number} has care plans from seed_demo already: bench/run.py cannot give it its own.")
    # Clients that seed_demo gave a demo plan keep theirs.
    clients = list(
        Client.objects.open().filter(case_manager__isnull=False).exclude(care_plans__isnull=False)
        .select_related("case_manager").order_by("client_number")
    )
    small = next(each for each in clients if each.case_manager_id == manager.pk and each.pk != client.pk)
    versions: list[_Version] = []
    for each in clients:
        if each.pk == client.pk:
            history, goal_count, active_age = ["superseded", "superseded", "superseded", "active", "draft"], 5, 85
        elif each.pk == small.pk:
            history, goal_count, active_age = ["active", "draft"], 3, 60
        elif each.case_manager_id == manager.pk or rng.random() < 0.5:
            draw = rng.random()
            history = ["superseded", "active"] if draw < 0.15 else ["active", "draft"] if draw < 0.3 else ["active"]
            goal_count, active_age = rng.randint(3, 5), rng.randint(20, 300)
        else:
            continue
        case_manager = each.case_manager
        signed_count = sum(1 for status in history if status != "draft")
        picks = [(index, None) for index in rng.sample(range(len(PLAN_GOALS)), goal_count)]
        previous = None
        for number, status in enumerate(history, start=1):
            if status == "draft":
                created = now - timedelta(hours=2)
            else:
                created = now - timedelta(days=active_age + 2 + 90 * (signed_count - number))
            plan = CarePlan(
                client_id=each.pk, number=number, previous=previous, status=status,
                source_assessment_id=assessments.get(each.pk),
                title="My plan" if number == 1 else f"My plan after review {number - 1}",
                client_summary=PLAN_SUMMARY, strengths=PLAN_STRENGTHS,
                **{name: text.format(case_manager=case_manager.display_name) for name, text in PLAN_SAFETY.items()},
                created_by_id=case_manager.pk, created_at=created, updated_by_id=case_manager.pk,
            )
            if status != "draft":
                plan.sent_for_signatures_at = created + timedelta(days=2)  # frozen an hour later (below)
                plan.required_signers = [
                    {"role": "client", "name": each.full_name, "user": None, "contact": None},
                    {"role": "case_manager", "name": case_manager.display_name, "user": case_manager.pk, "contact": None},
                ]
                plan.effective_on = (created + timedelta(days=2)).date()
                plan.review_on = plan.effective_on + timedelta(days=90)
                if previous is not None:
                    previous.ended_at = plan.sent_for_signatures_at + timedelta(hours=1)
            version = _Version(plan)
            if previous is not None:
                # A review: the same goals (same lineage), the first reworded, the last replaced by a new one.
                unused = [index for index in range(len(PLAN_GOALS)) if index not in {index for index, _l in picks}]
                kept = [(index, goal.lineage) for (index, _l), (goal, _o, _a) in zip(picks, versions[-1].goals, strict=True)]
                picks = [*kept[:-1], (rng.choice(unused), None)]
                plan.warning_signs += "\nCancelling visits"
            reword = f" Agreed again at review {number - 1}." if previous is not None else ""
            _plan_goals(version, picks, created.date(), rng, case_manager_id=case_manager.pk,
                        tracked=status == "active", reword=reword)
            if status != "draft":
                for goal, objectives, actions in version.goals:
                    goal._prefetched_objects_cache = {"objectives": objectives, "actions": actions}
                plan.content_hash = content_hash(plan_content(PlanParts(plan, [goal for goal, _o, _a in version.goals])))
            versions.append(version)
            previous = plan

    with transaction.atomic():  # one commit
        CarePlan.objects.bulk_create([v.plan for v in versions], batch_size=1000)
        Goal.objects.bulk_create([goal for v in versions for goal, _o, _a in v.goals], batch_size=2000)
        Objective.objects.bulk_create([o for v in versions for _g, os_, _a in v.goals for o in os_], batch_size=5000)
        Action.objects.bulk_create([a for v in versions for _g, _o, as_ in v.goals for a in as_], batch_size=5000)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE careplans_careplan SET frozen_at = sent_for_signatures_at + interval '1 hour' WHERE id = ANY(%s)",
                [[v.plan.pk for v in versions if v.plan.status != "draft"]],
            )
        signatures = []
        for plan in (v.plan for v in versions if v.plan.status != "draft"):
            signed_at = plan.sent_for_signatures_at + timedelta(hours=1)
            signatures += [
                Signature(
                    plan=plan, client_id=plan.client_id, role="client", printed_name=plan.required_signers[0]["name"],
                    meaning=str(MEANINGS["client"]), signed_at=signed_at, device=DEVICE, witnessed_by_id=plan.created_by_id,
                    content_hash=plan.content_hash, image_svg=drawn.svg, image_png=drawn.png,
                ),
                Signature(
                    plan=plan, client_id=plan.client_id, role="case_manager", signer_user_id=plan.created_by_id,
                    printed_name=plan.required_signers[1]["name"], meaning=str(MEANINGS["case_manager"]),
                    signed_at=signed_at + timedelta(minutes=3), device=DEVICE, witnessed_by_id=plan.created_by_id,
                    content_hash=plan.content_hash,
                ),
            ]
        Signature.objects.bulk_create(signatures, batch_size=2000)
    # The hash taken here must be the one the app computes from the stored rows (the verify page says so too).
    active = CarePlan.objects.get(client=client, status="active")
    if plan_parts(active).hash != active.content_hash:
        raise SystemExit("Seeded care plan: the stored content does not match its SHA-256 (bench/run.py is out of date).")
    return {
        "plans": len(versions),
        "clients": len({v.plan.client_id for v in versions}),
        "drafts": sum(1 for v in versions if v.plan.status == "draft"),
        "goals": sum(len(v.goals) for v in versions),
        "objectives": sum(len(o) for v in versions for _g, o, _a in v.goals),
        "actions": sum(len(a) for v in versions for _g, _o, a in v.goals),
        "signatures": len(signatures),
    }


def care_plan_subjects(client, manager):
    """The benchmark client's active plan and the draft of its review; the smaller plan of another client of theirs."""
    from django.db.models import Count

    from careplans.models import CarePlan

    plans = CarePlan.objects.select_related("client")
    try:
        active, draft = plans.get(client=client, status="active"), plans.get(client=client, status="draft")
    except CarePlan.DoesNotExist:
        raise SystemExit("The database has no care plans seeded by bench/run.py: run it once without --keep-db.") from None
    small_draft = (
        plans.filter(client__case_manager=manager, status="draft", number=2).exclude(client=client)
        .annotate(goal_count=Count("goals")).order_by("goal_count", "client__client_number").first()
    )
    small_active = plans.get(client=small_draft.client, status="active")
    return active, draft, small_active, small_draft



# Progress notes: what a case manager writes after each contact. Per contact type: its share of the
# agency's notes, usual durations, places, and what is written as (data, assessment, plan).
NOTE_KINDS = [
    ("home_visit", 30, (45, 60, 90), ("Client's home", "Supported flat", "Hostel, room 12"), [
        ("Met at home. The flat was tidy; he had been shopping and showed me the week's meal plan.",
         "Mood steady, sleeping better. No risk indicators. Engaged with the plan.",
         "Housing application together next week; check the pill organiser on Monday."),
        ("Visited with the support worker. Post unopened on the table; we opened it together.",
         "Anxious about two letters from creditors, but coping. Denies thoughts of self-harm.",
         "Call the debt counselling service together on Thursday."),
        ("Home visit. She had cooked and offered coffee; talked about her children's visit on Sunday.",
         "Brighter than last week; PHQ-9 items discussed informally, no change in risk.",
         "Next visit in a week; bring the leaflet on the cooking group."),
    ]),
    ("office", 14, (30, 45, 60), ("Office, room 2", "Office, room 4"), [
        ("Came to the office with his sister. Went through the care plan goals one by one.",
         "Engaged; asked good questions. Wants to focus on work first.",
         "Book the psychiatrist review; ask the job centre for an appointment."),
        ("Came on time for the planned appointment. Brought the housing association's reply.",
         "Disappointed by the waiting time but not hopeless. Sleep still poor.",
         "Second application to another association; sleep hygiene sheet given."),
    ]),
    ("community", 10, (30, 60, 90), ("Café by the library", "Job centre", "Pharmacy", "Park by the lakes"), [
        ("Met at the café by the library, then walked to the job centre together for the appointment.",
         "Managed the meeting well; some anxiety in the waiting room, used the breathing exercise.",
         "Volunteering placement visit next Tuesday."),
        ("Went to the pharmacy together to set up weekly dispensing.",
         "Relieved that the pharmacy will fill the organiser. Adherence expected to improve.",
         "Check the organiser at the next home visit."),
    ]),
    ("phone", 20, (10, 15, 20), ("",), [
        ("Called to check in after the GP appointment.",
         "Sounded calm; taking medication as prescribed.", "Home visit on Thursday."),
        ("Phoned as agreed. He had not slept for two nights; talked through the warning signs on his safety plan.",
         "Early warning signs present; no plans or intent. Sister is staying over.",
         "Call again tomorrow morning; GP informed."),
    ]),
    ("video", 6, (20, 30), ("",), [
        ("Video call; she showed me the new job advert.",
         "Motivated, some anxiety about the interview.", "Practise the interview at the next visit."),
    ]),
    ("collateral", 9, (15, 20, 30), ("Phone", "GP practice"), [
        ("Spoke with the client's sister (consent on file) about the weekend.",
         "Family reports things are calmer at home.", "Sister will call if the sleep gets worse."),
        ("Call with the GP's practice nurse about the blood tests.",
         "Results normal; medication review can go ahead.", "Tell the client at the next visit."),
    ]),
    ("group", 4, (60, 90), ("Activity centre",), [
        ("Attended the Tuesday walking group with four others.",
         "Talked with the others on the way; a good day.", "Encourage her to go again next week."),
    ]),
    ("attempted", 7, (15, 20), ("Client's home", "Phone"), [
        ("Knocked twice and called; no answer. Left a card with the next appointment.",
         "Not unusual for him in the mornings; no concerns from neighbours.", "Phone this afternoon; visit again Friday."),
    ]),
]
NOTE_ADDENDA = [
    "Correction: the appointment is on Tuesday, not Monday.",
    "Added after speaking to the GP: the medication review is booked for the 14th.",
    "The client's sister called afterwards to say he got home safely.",
]
NOTES_TOTAL = 250_000
NOTES_OF_CLIENT = 300  # the timeline's client: a case of two years, seen about every two or three days
NOTES_OF_SMALL = 30  # the second size: a client of the same case manager with one page and a half
NOTE_BATCH = 5000  # rows per COPY


def copy_rows(model, names, rows) -> None:
    """COPY `rows` (tuples in the order of the fields `names`) into `model`'s table: no per-row work in Django."""
    from django.db import connection

    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def note_clients(client, manager, plans):
    """The smaller plan's client (the second size) and the client the bench writes notes for.

    The notes the bench saves go to a third client of the same case manager, with an active plan, so
    that the timed client's timeline shows the same notes on every request.
    """
    from clients.models import Client

    small = plans[2].client
    writer = (
        Client.objects.filter(case_manager=manager, care_plans__status="active").open()
        .exclude(pk__in=[client.pk, small.pk]).order_by("client_number").first()
    )
    return small, writer


def seed_notes(client, manager, plans, *, total: int = NOTES_TOTAL, seed: int = 2026) -> dict:
    """`total` progress notes across the agency (counting any already there), about 50 per client over two years.

    Every open client of a case manager has notes in proportion to how long they have been in care (up to
    two years), the last one 0–50 days ago (three in ten are over the 14 days that make a "no contact"
    reminder); referred clients and those waiting for a case manager have 0–2, discharged clients 2–5. The
    timed client has 300, the smaller plan's client 30. Nine in ten are by the case manager, the rest by a
    colleague of the team; types mixed as in NOTE_KINDS, one in eight in free text, one in seven with a
    follow-up date, almost all signed (4 % late entries). Every case manager has 1–4 drafts from the last
    four days. Notes during a signed plan version address 1–2 of its goals (six in ten); one signed note
    in a hundred has an addendum (one in twenty of the timed client's).

    The notes and their goals go in with COPY, 5,000 rows at a time (bulk_create spends ~0.3 ms a row in
    Python). Those
    of the timed case manager's clients carry the SHA-256 the app takes when signing
    (`caseload.notes.note_content`); the others a SHA-256 of their id, as long and never read back (the
    app's hash costs ~60 µs a note: 15 s for the agency). Signed notes with goals go in as drafts, their
    goals after them (the database refuses goals of a signed note), then one UPDATE signs them.
    """
    import hashlib
    import operator
    import random
    import uuid
    from datetime import timedelta
    from types import SimpleNamespace

    from django.db import connection, transaction
    from django.db.models import Max, Min
    from django.utils import timezone

    from assessments.services import content_hash
    from careplans.models import Goal
    from caseload.models import AgencySettings, NoteAddendum, NoteGoal, ProgressNote, Team, User
    from caseload.notes import note_content
    from clients.models import Client, ClientStatusChange

    rng = random.Random(seed)
    now = timezone.now().replace(second=0, microsecond=0)
    note_fields = [each.attname for each in ProgressNote._meta.concrete_fields]
    defaults = {each.attname: each.get_default() for each in ProgressNote._meta.concrete_fields}
    in_columns = operator.itemgetter(*note_fields)
    two_years = timedelta(days=730)
    late_hours = AgencySettings.load().late_entry_hours
    small, writer = note_clients(client, manager, plans)

    staff = {user.pk: user for user in User.objects.filter(role="case_manager")}
    team_members: dict = {}
    for team_id, user_id in Team.members.through.objects.filter(user_id__in=staff).values_list("team_id", "user_id"):
        team_members.setdefault(team_id, []).append(user_id)
    began = dict(ClientStatusChange.objects.values("client_id").annotate(at=Min("changed_at")).values_list("client_id", "at"))
    ended = dict(
        ClientStatusChange.objects.filter(to_status="discharged").values("client_id").annotate(at=Max("changed_at"))
        .values_list("client_id", "at")
    )
    rows = list(Client.objects.order_by("client_number").values_list("pk", "status", "case_manager_id", "team_id"))

    # Drafts first: 1–4 per case manager, on their open clients (the bench's own drafts are made below).
    open_of: dict = {}
    for pk, status, case_manager_id, _team in rows:
        if status != "discharged" and case_manager_id and pk not in (small.pk, writer.pk):
            open_of.setdefault(case_manager_id, []).append(pk)
    drafts = [(author, rng.choice(pks)) for author, pks in sorted(open_of.items()) for _ in range(rng.randint(1, 4))]

    # How many notes each client gets, and over which span.
    plan: list = []  # (client id, author, colleagues, first, last, count)
    fixed = {client.pk: NOTES_OF_CLIENT, small.pk: NOTES_OF_SMALL}
    proportional, few = [], 0
    for pk, status, case_manager_id, team_id in rows:
        colleagues = [m for m in team_members.get(team_id, []) if m != case_manager_id]
        author = case_manager_id or (colleagues[0] if colleagues else None)
        if author is None:
            continue
        start = max(began.get(pk, now - two_years), now - two_years)
        if pk in fixed:
            first = now - (two_years if pk == client.pk else timedelta(days=365))
            plan.append([pk, author, colleagues, first, now - timedelta(days=2, hours=3), fixed[pk]])
        elif status == "discharged":
            end = ended.get(pk, start + timedelta(days=20))
            plan.append([pk, author, colleagues, start, end - timedelta(days=1), rng.randint(2, 5)])
            few += plan[-1][-1]
        elif status == "referred" or not case_manager_id:
            count = rng.randint(0, 2)
            plan.append([pk, author, colleagues, max(start, now - timedelta(days=60)), now - timedelta(days=1), count])
            few += count
        else:
            age = timedelta(days=rng.uniform(0.1, 13.5) if rng.random() < 0.7 else rng.uniform(14, 50))
            last = max(now - age, start + (now - start) * 0.8)
            plan.append([pk, author, colleagues, start, last, None])
            proportional.append(plan[-1])
    existing = ProgressNote.objects.count()
    budget = total - existing - len(drafts) - 4 - sum(fixed.values()) - few  # 4: the bench's own notes below
    days = sum((entry[4] - entry[3]).total_seconds() / 86400 for entry in proportional)
    for entry in proportional:
        share = budget * (entry[4] - entry[3]).total_seconds() / 86400 / days
        entry[5] = max(1, int(share + rng.random()))
    surplus = sum(entry[5] for entry in proportional) - budget
    while surplus:  # stochastic rounding leaves a few too many or too few: take them from (or give them to) anyone
        entry = rng.choice(proportional)
        if surplus > 0 and entry[5] > 1:
            entry[5], surplus = entry[5] - 1, surplus - 1
        elif surplus < 0:
            entry[5], surplus = entry[5] + 1, surplus + 1

    # Notes address goals of the plan version in force at the time.
    hashed = {pk for pk, _status, case_manager_id, _team in rows if case_manager_id == manager.pk}
    versions: dict = {}
    for goal_id, client_id, plan_id, effective, plan_ended in Goal.objects.filter(
        plan__status__in=["active", "superseded"]
    ).order_by("plan_id", "position").values_list("pk", "plan__client_id", "plan_id", "plan__effective_on", "plan__ended_at"):
        version = versions.setdefault(client_id, {}).setdefault(plan_id, [effective, plan_ended, []])
        version[2].append(goal_id)

    def goals_in_force(client_id, moment):
        for effective, plan_ended, goal_ids in versions.get(client_id, {}).values():
            if effective and effective <= moment.date() and (plan_ended is None or moment < plan_ended):
                return goal_ids
        return []

    kinds = [kind for kind, *_ in NOTE_KINDS]
    cumulative, running = [], 0
    for _kind, weight, *_ in NOTE_KINDS:
        running += weight
        cumulative.append(running)
    details = {kind: (durations, places, texts) for kind, _w, durations, places, texts in NOTE_KINDS}
    names = {pk: (user.display_name, user.job_title or "Case manager") for pk, user in staff.items()}

    counts = {"notes": 0, "signed": 0, "drafts": 0, "late": 0, "goal_links": 0, "addenda": 0, "follow_ups": 0}
    buffer, links, to_sign, addenda = [], [], [], []

    def flush():
        copy_rows(ProgressNote, note_fields, map(in_columns, buffer))
        buffer.clear()

    def note(client_id, author, contact_at, *, kind=None, status="signed", goal_ids=(), version=2, created_at=None):
        kind = kind or rng.choices(kinds, cum_weights=cumulative)[0]
        durations, places, texts = details[kind]
        data, assessment, plan_text = rng.choice(texts)
        values = {
            "contact_at": contact_at, "duration_minutes": rng.choice(durations), "contact_type": kind,
            "location": rng.choice(places), "participants": "Sister" if kind == "collateral" else "",
            "format": "dap", "data": data, "assessment": assessment, "plan": plan_text, "free_text": "",
            "next_steps": "", "follow_up_on": None,
        }
        if rng.random() < 0.125:
            values.update(format="free", free_text=f"{data} {assessment} {plan_text}", data="", assessment="", plan="")
        if status == "signed" and rng.random() < 0.15:
            values.update(next_steps=plan_text, follow_up_on=(contact_at + timedelta(days=rng.randint(3, 21))).date())
            counts["follow_ups"] += 1
        created = created_at or min(contact_at + timedelta(minutes=10), now)
        row = {
            **defaults, **values, "id": uuid.UUID(int=rng.getrandbits(128), version=4), "client_id": client_id, "author_id": author,
            "updated_by_id": author, "created_at": created, "updated_at": created, "version": version, "status": "draft",
        }
        if status == "signed":
            late = rng.random() < 0.04
            signed_at = min(contact_at + timedelta(hours=rng.uniform(73, 240) if late else rng.uniform(0.5, 30)), now)
            row["signed_at"] = row["updated_at"] = signed_at
            row["signed_name"], row["signed_role"] = names[author]
            row["late_entry"] = signed_at - contact_at > timedelta(hours=late_hours)
            if client_id in hashed:
                content = SimpleNamespace(pk=row["id"], **{name: row[name] for name in ("client_id", "author_id", *values)})
                row["content_hash"] = content_hash(note_content(content, goal_ids))
            else:
                row["content_hash"] = hashlib.sha256(row["id"].bytes).hexdigest()
            counts["late"] += row["late_entry"]
            counts["signed"] += 1
            if goal_ids:
                to_sign.append(row["id"])  # in as a draft; signed once its goals are in
            else:
                row["status"] = "signed"
        else:
            counts["drafts"] += 1
        links.extend((row["id"], goal_id) for goal_id in goal_ids)
        counts["goal_links"] += len(goal_ids)
        counts["notes"] += 1
        buffer.append(row)
        if len(buffer) >= NOTE_BATCH:
            flush()
        return row

    started, cpu_started = time.perf_counter(), time.process_time()
    with transaction.atomic():
        for client_id, author, colleagues, first, last, count in plan:
            span = (last - first).total_seconds()
            moments = [last] + [first + timedelta(seconds=span * rng.random()) for _ in range(count - 1)]
            for moment in moments[:count]:
                if moment is not last:  # office hours, on the quarter hour
                    moment = min(moment.replace(hour=7 + rng.randint(0, 9), minute=15 * rng.randint(0, 3)), last)
                by = rng.choice(colleagues) if colleagues and rng.random() < 0.1 else author
                goal_ids = []
                if client_id in versions and rng.random() < 0.6:
                    goal_ids = rng.sample(pool, min(len(pool), rng.randint(1, 2))) if (
                        pool := goals_in_force(client_id, moment)) else []
                row = note(client_id, by, moment, goal_ids=goal_ids)
                if rng.random() < (0.05 if client_id == client.pk else 0.01):
                    addenda.append((row, rng.choice(NOTE_ADDENDA)))
        # The notes the bench opens: the timed client's latest signed note with goals gets two addenda, the
        # smaller plan's client's one; both are the only notes of their client with that many.
        addenda[:] = [(row, text) for row, text in addenda if row["client_id"] != small.pk]
        for client_id, number in ((client.pk, 2), (small.pk, 1)):
            latest = note(client_id, manager.pk, now - timedelta(days=1, hours=2), kind="home_visit",
                          goal_ids=goals_in_force(client_id, now)[:number])
            addenda.extend((latest, NOTE_ADDENDA[n]) for n in range(number))
        for author, client_id in drafts:
            contact_at = now - timedelta(hours=rng.randint(2, 100))
            note(client_id, author, contact_at, status="draft", version=rng.randint(1, 5),
                 created_at=contact_at + timedelta(minutes=20))
        # The drafts the bench saves automatically: the writing client's (two goals) and the smaller plan's client's (one).
        for client_id, number in ((writer.pk, 2), (small.pk, 1)):
            contact_at = now - timedelta(hours=3)
            note(client_id, manager.pk, contact_at, kind="home_visit", status="draft", version=1,
                 goal_ids=goals_in_force(client_id, now)[:number], created_at=contact_at + timedelta(minutes=20))
        flush()
        copy_rows(NoteGoal, ["note_id", "goal_id"], links)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE caseload_progressnote SET status = 'signed' WHERE id = ANY(%s)", [to_sign])
        NoteAddendum.objects.bulk_create(
            [
                NoteAddendum(note_id=row["id"], client_id=row["client_id"], author_id=row["author_id"], text=text,
                             created_at=min(row["signed_at"] + timedelta(days=rng.randint(1, 10)), now))
                for row, text in addenda
            ],
            batch_size=5000,
        )
    counts["addenda"] = len(addenda)
    counts["seconds"] = round(time.perf_counter() - started, 2)
    counts["cpu_seconds"] = round(time.process_time() - cpu_started, 2)
    counts["in_table"] = ProgressNote.objects.count()
    if counts["in_table"] != total:
        raise SystemExit(f"Seeded progress notes: {counts['in_table']} in the table, not {total}.")
    return counts


def note_subjects(client, manager, plans) -> dict:
    """What the note pages open and save, from the notes `seed_notes` made; and a smaller caseload to count against.

    The timed client's note with two addenda (and two goals) and the smaller plan's client's with one;
    the bench's two drafts (the writing client's with two goals, the smaller plan's client's with one);
    each client's first goal of the plan in force, to filter the timeline by; and the case manager with
    the fewest open clients, whose My caseload and My tasks are counted against the timed ones.
    """
    from django.db.models import Count, Q

    from caseload.models import ProgressNote, User
    from caseload.notes import addressable_goals
    from caseload.reminders import open_reminders_for

    small, writer = note_clients(client, manager, plans)

    def with_addenda(owner):
        return (
            ProgressNote.objects.signed().filter(client=owner).annotate(addenda_count=Count("addenda"))
            .filter(addenda_count__gt=0).order_by("-addenda_count", "-contact_at").first()
        )

    def bench_draft(owner):
        return ProgressNote.objects.drafts().filter(client=owner, author=manager).order_by("created_at").first()

    subjects = {
        "small": small, "writer": writer,
        "note": with_addenda(client), "small_note": with_addenda(small),
        "draft": bench_draft(writer), "small_draft": bench_draft(small),
    }
    if None in subjects.values():
        raise SystemExit("The database has no progress notes seeded by bench/run.py: run it once without --keep-db.")
    for key, owner, goals in (("", client, 0), ("small_", small, 1), ("writer_", writer, 2)):
        active_goals = addressable_goals(owner)
        subjects[f"{key}lineage"] = active_goals[0].lineage
        subjects[f"{key}goals"] = [str(goal.pk) for goal in active_goals[:goals]]
    subjects["notes"] = ProgressNote.objects.filter(client=client).count()
    subjects["small_notes"] = ProgressNote.objects.filter(client=small).count()
    subjects["other"] = other = (
        User.objects.filter(role="case_manager")
        .annotate(open_clients=Count("caseload", filter=~Q(caseload__status="discharged")))
        .filter(open_clients__gt=0).order_by("open_clients", "username").first()
    )
    subjects["tasks"] = len(open_reminders_for(manager))
    subjects["other_tasks"] = len(open_reminders_for(other))
    return subjects


def note_form(goals, **overrides) -> dict:
    """What the note form posts (as in tests/caseload/test_notes.py): a home visit an hour ago, in DAP."""
    from datetime import timedelta

    from django.utils import timezone

    when = timezone.localtime() - timedelta(hours=1)
    return {
        "contact_at": when.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "45", "contact_type": "home_visit",
        "location": "His flat", "participants": "", "format": "dap",
        "data": "He showed me the letter from the housing association.",
        "assessment": "Hopeful; sleeping better. No risk indicators today.",
        "plan": "Call the housing association together on Monday.",
        "free_text": "", "next_steps": "", "follow_up_on": "", "goals": goals, **overrides,
    }


DIRECTORY_SERVICES = 2_000
CLIENT_REFERRALS = 40


def seed_directory_and_referrals(client, manager, *, seed: int = 2026) -> dict:
    """2,000 services of 200 organizations, and 40 referrals of the measured client, each with its history.

    Skipped when the directory is already that big (a kept database).
    """
    import random

    from django.utils import timezone

    from referrals.models import Category, Organization, Referral, ReferralEvent, Service

    rng = random.Random(seed)
    if Service.objects.count() < DIRECTORY_SERVICES:
        organizations = Organization.objects.bulk_create(
            [Organization(hsds_id=f"bench-org-{n}", name=f"Community organization {n}") for n in range(200)]
        )
        languages = [",da,", ",da,en,", ",en,", ",da,en,ar,", ",pl,da,"]
        services = []
        for n in range(DIRECTORY_SERVICES):
            category = Category.values[n % len(Category.values)]
            organization = organizations[n % len(organizations)]
            name = f"{Category(category).label} service {n}"
            services.append(Service(
                hsds_id=f"bench-svc-{n}", organization=organization, name=name, category=category,
                description=rng.choice(["Drop-in and appointments.", "Help to find and keep a home.",
                                        "Groups every week.", "Advice by phone and in person."]),
                languages=rng.choice(languages), accepts_referrals=n % 7 != 0,
                search_text=f"{name} {organization.name}".upper(),
            ))
        Service.objects.bulk_create(services, batch_size=2000)
    if not Referral.objects.filter(client=client).exists():
        picked = list(Service.objects.order_by("hsds_id")[:CLIENT_REFERRALS])
        now = timezone.now()
        referrals = Referral.objects.bulk_create([
            Referral(client=client, service=service, reason="Bench referral", shared_items=["contact", "reason"],
                     status=rng.choice(["sent", "accepted", "appointment_set", "closed"]), created_by=manager,
                     status_changed_at=now)
            for service in picked
        ])
        ReferralEvent.objects.bulk_create([
            ReferralEvent(referral=referral, client=client, from_status=step[0], to_status=step[1], by_user=manager)
            for referral in referrals for step in (("", "draft"), ("draft", "sent"), ("sent", referral.status))
        ])
    return {"services": Service.objects.count(), "referrals": Referral.objects.filter(client=client).count()}


def keep_version(page: Page, response) -> None:
    """An automatic save answers with the draft's new version: the next save sends it, as the browser does."""
    page.data["version"] = str(response.json()["version"])


def build_pages(manager, client, family_name, supervisor, plans, notes, directory=None) -> list[Page]:
    search = {"q": family_name}
    active, draft, small_active, small_draft = plans
    small, writer, other = notes["small"], notes["writer"], notes["other"]
    plan_sizes = "3 goals, 2 versions → 5 goals, 5 versions"
    note_sizes = f"{notes['small_notes']} → {notes['notes']} notes"
    by_type = {"contact_type": "home_visit"}
    autosave = {"X-Autosave": "1"}

    def smaller(path, **options):
        return Page("", manager.username, path, **options)

    return [
        Page("floor (1 query, no template)", manager.username, "/bench/floor/"),
        Page("admin client list", "admin", "/admin/clients/client/", expect="client_number"),
        Page(
            "My caseload", manager.username, "/", expect=(client.client_number, "due-badge due-overdue", "days ago"),
            smaller=Page("", other.username, "/", expect="due-badge"),
            sizes=f"{other.open_clients} → {manager.open_clients} clients",
        ),
        Page(
            "My tasks", manager.username, "/tasks/", expect=("open tasks", "list-group-item"),
            smaller=Page("", other.username, "/tasks/", expect="list-group-item"),
            sizes=f"{notes['other_tasks']} → {notes['tasks']} tasks",
        ),
        Page("client list", manager.username, "/clients/", expect="clients you can see"),
        Page("your settings (language)", manager.username, "/profile/", expect='name="language"'),
        Page("client search: POST", manager.username, "/clients/", method="post", data=search, status=302),
        Page(
            "client search: results GET", manager.username, "/clients/",
            expect="your search", before=("post", "/clients/", search),
        ),
        Page("client detail", manager.username, f"/clients/{client.pk}/", expect=client.client_number),
        Page(
            "screening instruments", manager.username, f"/assessments/clients/{client.pk}/instruments/",
            expect="Patient Health Questionnaire-9",
        ),
        Page(
            "PHQ-9 history", manager.username, f"/assessments/clients/{client.pk}/instruments/phq9/history/",
            expect='class="trend-point"',
        ),
        Page(
            "assessment list", manager.username, f"/assessments/clients/{client.pk}/assessments/",
            expect="Completed and signed",
        ),
        Page(
            "care plan", manager.username, f"/careplans/{active.pk}/", expect="Verify the signed content",
            smaller=smaller(f"/careplans/{small_active.pk}/"), sizes=plan_sizes,
        ),
        Page(
            "care plan versions", manager.username, f"/careplans/clients/{client.pk}/",
            expect=f"Continue version {draft.number}", smaller=smaller(f"/careplans/clients/{small_draft.client_id}/"),
            sizes=plan_sizes,
        ),
        Page(
            "care plan draft: edit", manager.username, f"/careplans/{draft.pk}/edit/", expect="Add a goal",
            smaller=smaller(f"/careplans/{small_draft.pk}/edit/"), sizes=plan_sizes,
        ),
        Page(
            "care plan verify", manager.username, f"/careplans/{active.pk}/verify/", expect="Intact.",
            smaller=smaller(f"/careplans/{small_active.pk}/verify/"), sizes=plan_sizes,
        ),
        Page(
            "care plan compare", manager.username, f"/careplans/{draft.pk}/compare/",
            expect=f"Version {active.number} beside version {draft.number}",
            smaller=smaller(f"/careplans/{small_draft.pk}/compare/"), sizes=plan_sizes,
        ),
        Page(
            "note timeline", manager.username, f"/notes/clients/{client.pk}/", expect=("timeline-note", "Next"),
            smaller=smaller(f"/notes/clients/{small.pk}/", expect="timeline-note"), sizes=note_sizes,
        ),
        Page(
            "note timeline: by type", manager.username, f"/notes/clients/{client.pk}/", data=by_type,
            expect=("timeline-note", "Show all notes"),
            smaller=smaller(f"/notes/clients/{small.pk}/", data=by_type, expect="timeline-note"), sizes=note_sizes,
        ),
        Page(
            "note timeline: by goal", manager.username, f"/notes/clients/{client.pk}/",
            data={"goal": str(notes["lineage"])}, expect=("timeline-note", "Show all notes"),
            smaller=smaller(f"/notes/clients/{small.pk}/", data={"goal": str(notes["small_lineage"])}, expect="timeline-note"),
            sizes=note_sizes,
        ),
        Page(
            "note detail", manager.username, f"/notes/{notes['note'].pk}/", expect=("SHA-256", NOTE_ADDENDA[1]),
            smaller=smaller(f"/notes/{notes['small_note'].pk}/", expect="SHA-256"),
            sizes="1 goal, 1 addendum → 2 goals, 2 addenda",
        ),
        Page(
            "note autosave: POST", manager.username, f"/notes/{notes['draft'].pk}/edit/", method="post",
            data=note_form(notes["writer_goals"], version=str(notes["draft"].version)), headers=autosave,
            expect='"version"', update=keep_version,
            smaller=smaller(
                f"/notes/{notes['small_draft'].pk}/edit/", method="post", headers=autosave, expect='"version"',
                data=note_form(notes["small_goals"], version=str(notes["small_draft"].version)), update=keep_version,
            ),
            sizes="1 → 2 goals",
        ),
        Page(
            "note save and sign: POST", manager.username, f"/notes/clients/{writer.pk}/new/", method="post",
            data=note_form(notes["writer_goals"], sign="1"), status=302,
            smaller=smaller(
                f"/notes/clients/{small.pk}/new/", method="post", data=note_form(notes["small_goals"], sign="1"), status=302,
            ),
            sizes="1 → 2 goals",
        ),
        Page(
            "directory search (2,000 services)", manager.username, "/referrals/directory/",
            data={"category": "housing", "language": "da", "q": "service"}, expect="directory-list",
            sizes=f"{(directory or {}).get('services', DIRECTORY_SERVICES)} services",
        ),
        Page(
            "a client's referral list", manager.username, f"/referrals/clients/{client.pk}/",
            expect="referral-status",
            sizes=f"{(directory or {}).get('referrals', CLIENT_REFERRALS)} referrals",
        ),
        Page("client list (supervisor)", supervisor.username, "/clients/", expect="clients you can see"),
        Page("supervision dashboard (supervisor)", supervisor.username, "/supervision/", expect=("Weighted load per FTE", "team weighted load")),
        Page("supervision dashboard (all teams)", "admin", "/supervision/", expect=("Agency totals", "Weighted load per FTE")),
        Page(
            "supervision: a case manager's caseload", "admin", f"/supervision/case-managers/{manager.pk}/",
            expect=(client.client_number, "due-badge"),
            smaller=Page("", "admin", f"/supervision/case-managers/{other.pk}/", expect="due-badge"),
            sizes=f"{other.open_clients} → {manager.open_clients} clients",
        ),
        Page(
            "client search: results GET (supervisor)", supervisor.username, "/clients/",
            expect="your search", before=("post", "/clients/", search),
        ),
        Page("emergency access to review", supervisor.username, "/clients/emergency-access/reviews/?show=all",
             expect="Emergency access to review"),
        Page("emergency access: form", manager.username, "/clients/emergency-access/", expect="Reason"),
    ]


def request(web, page: Page):
    response = getattr(web, page.method)(page.path, page.data, headers=page.headers or None)
    if response.status_code != page.status:
        raise SystemExit(f"{page.name}: {page.method.upper()} {page.path} answered {response.status_code}, not {page.status}")
    content = response.content.decode()
    for text in (page.expect,) if isinstance(page.expect, str) else page.expect:
        if text not in content:
            raise SystemExit(f"{page.name}: {page.path} does not contain {text!r}")
    if page.update:
        page.update(page, response)
    return response


def signed_in(web, user) -> None:
    """Signed in with the password and, for those who need it, the second factor."""
    from caseload import two_factor

    web.force_login(user)
    session = web.session
    session[two_factor.VERIFIED_USER] = user.pk
    session.save()


def measure(pages: list[Page], *, requests: int, warmup: int) -> None:
    from django.db import connection
    from django.test import Client as WebClient
    from django.test.utils import CaptureQueriesContext

    from caseload.models import User

    names = {page.username for page in pages} | {page.smaller.username for page in pages if page.smaller}
    users = {user.username: user for user in User.objects.filter(username__in=names)}
    clients = {}
    for page in pages:
        web = clients[page.name] = WebClient()
        signed_in(web, users[page.username])
        if page.before:
            method, path, data = page.before
            getattr(web, method)(path, data)
    for _ in range(warmup):
        for page in pages:
            request(clients[page.name], page)
    # Time spent waiting for the database, to tell the database's share from Python's.
    sql_time = [0.0]

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_time[0] += time.perf_counter() - started

    # Round-robin: every page is timed against the same, slowly growing, audit trail and session table.
    with connection.execute_wrapper(timed):
        for _ in range(requests):
            for page in pages:
                sql_time[0] = 0.0
                response = request(clients[page.name], page)
                page.times.append(float(response["Server-Timing"].split("dur=")[1]))
                page.sql_times.append(sql_time[0] * 1000)
    for page in pages:
        with CaptureQueriesContext(connection) as captured:
            request(clients[page.name], page)
        page.queries = [query["sql"] for query in captured.captured_queries]
        if page.smaller:
            web = clients[page.name]
            if page.smaller.username != page.username:
                web = WebClient()
                signed_in(web, users[page.smaller.username])
            request(web, page.smaller)  # once first, as the page itself was warmed up
            with CaptureQueriesContext(connection) as captured:
                request(web, page.smaller)
            page.smaller_queries = [query["sql"] for query in captured.captured_queries]


@dataclass
class SweepRun:
    seconds: float
    sql_seconds: float
    statements: list[tuple[str, float]]  # each statement and its seconds
    created: int
    closed: int
    dismissed: int
    reassigned: int


def run_sweep() -> SweepRun:
    """One `caseload.reminders.sweep_details()`, timed, with its statements counted as they reach the database."""
    from django.db import connection

    from caseload.reminders import sweep_details

    statements, sql_seconds = [], [0.0]

    def counted(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            sql_seconds[0] += took
            statements.append((sql, took))

    with connection.execute_wrapper(counted):
        started = time.perf_counter()
        result = sweep_details()
        seconds = time.perf_counter() - started
    return SweepRun(seconds, sql_seconds[0], statements, result.created, result.closed, result.dismissed, result.reassigned)


def add_follow_up_reminders() -> int:
    """The follow-ups of signed notes (an event's reminder, `reminder_add` when a note is signed), still open.

    Those due in the last two weeks or later are open; older ones are taken as done. One INSERT … ON
    CONFLICT DO NOTHING, as `reminder_add` makes each.
    """
    from datetime import timedelta

    from django.utils import timezone

    from caseload.models import ProgressNote, Reminder

    rows = (
        ProgressNote.objects.signed().filter(follow_up_on__gte=timezone.localdate() - timedelta(days=14))
        .exclude(client__status="discharged").order_by()
        .values_list("pk", "client_id", "author_id", "follow_up_on", "next_steps")
    )
    reminders = [
        Reminder(
            key=Reminder.make_key("follow_up", f"caseload.ProgressNote:{pk}", due_on), kind="follow_up", client_id=client_id,
            assignee_id=author_id, subject_type="caseload.ProgressNote", subject_id=str(pk),
            title=f"Follow up: {steps[:150]}", due_on=due_on,
        )
        for pk, client_id, author_id, due_on, steps in rows
    ]
    Reminder.objects.bulk_create(reminders, ignore_conflicts=True, batch_size=4000)
    return len(reminders)


def measure_sweep(runs: int) -> tuple[list[SweepRun], list[SweepRun], int]:
    """The daily sweep on an empty reminders table, then again the same day: `runs` times each, alternately.

    Before each first run the table is emptied (TRUNCATE, not timed). Between the two runs the open
    follow-ups of signed notes are added, as events would have, and the table analysed, as autovacuum
    would; the second run must make nothing. The reminders of the last second run stay for the pages.
    """
    from django.db import connection

    first, second, follow_ups = [], [], 0
    for _ in range(runs):
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE caseload_reminder")
        first.append(run_sweep())
        follow_ups = add_follow_up_reminders()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE caseload_reminder")
        second.append(run_sweep())
        if second[-1].created:
            raise SystemExit(f"The reminder sweep run again the same day made {second[-1].created} reminders, not 0.")
    return first, second, follow_ups


@dataclass
class PdfTiming:
    name: str
    times: list[float] = field(default_factory=list)
    queries: int = 0
    size: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p90(self) -> float:
        return statistics.quantiles(self.times, n=10)[-1]


def measure_pdf(plan, *, renders: int) -> tuple[PdfTiming, PdfTiming] | None:
    """Time the PDF of `plan` and a one-line WeasyPrint document, alternately, after one warm-up of each.

    The render runs in the worker, not in a request, so it is compared with the least WeasyPrint can do
    rather than with the floor. The PDF is then stored as the plan's finished document, as the worker
    would, so that the verify page hashes a real file. None when careplans.pdf is not there.
    """
    try:
        from careplans.pdf import render_plan_pdf_bytes
    except ImportError:
        return None
    import hashlib

    import weasyprint
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from careplans.models import PlanDocument
    from careplans.tasks import document_file_name

    goals = plan.goals.count()
    signed = plan.signatures.count()
    document = PdfTiming(f"care plan PDF ({goals} goals, {signed} signatures)")
    one_line = PdfTiming("one-line document")
    jobs = [
        (document, lambda: render_plan_pdf_bytes(plan)),
        (one_line, lambda: weasyprint.HTML(string="<p>Hello</p>").write_pdf()),
    ]
    for timing, job in jobs:
        timing.size = len(job())
    for _ in range(renders):
        for timing, job in jobs:
            started = time.perf_counter()
            job()
            timing.times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        content = render_plan_pdf_bytes(plan)
    document.queries = len(captured)

    row, _created = PlanDocument.objects.get_or_create(plan=plan, defaults={"client_id": plan.client_id})
    name = document_file_name(plan)
    default_storage.delete(name)
    default_storage.save(name, ContentFile(content))
    row.file.name, row.status, row.size = name, PlanDocument.Status.READY, len(content)
    row.sha256 = hashlib.sha256(content).hexdigest()
    row.attempts, row.started_at, row.finished_at = 1, timezone.now(), timezone.now()
    row.save()
    return one_line, document


def main() -> int:
    args = parse_args()
    url = bench_database_url()
    if not args.keep_db:
        recreate_database(url)
    setup_django(url)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from clients.models import Client

    call_command("migrate", verbosity=0)
    seed_seconds = plan_seconds = plan_rows = note_rows = None
    if not args.keep_db:
        started = time.perf_counter()
        call_command("seed_demo", clients=args.clients, managers=args.managers, stdout=io.StringIO())
        seed_seconds = time.perf_counter() - started
        print(f"Seeded {Client.objects.count()} clients and {args.managers} case managers in {seed_seconds:.1f} s.")
        started = time.perf_counter()
        responses = seed_instrument_responses(choose_subjects()[1])
        print(f"Seeded {responses} screening results in {time.perf_counter() - started:.1f} s.")
        started = time.perf_counter()
        assessments = seed_assessments(choose_subjects()[1])
        print(f"Seeded {assessments} assessments in {time.perf_counter() - started:.1f} s.")
        started = time.perf_counter()
        manager, client = choose_subjects()[:2]
        plan_rows = seed_care_plans(client, manager)
        plan_seconds = time.perf_counter() - started
        print(
            f"Seeded {plan_rows['plans']} care plans ({plan_rows['drafts']} drafts) of {plan_rows['clients']} clients: "
            f"{plan_rows['goals']} goals, {plan_rows['objectives']} objectives, {plan_rows['actions']} actions, "
            f"{plan_rows['signatures']} signatures in {plan_seconds:.1f} s."
        )
        note_rows = seed_notes(client, manager, care_plan_subjects(client, manager))
        print(
            f"Seeded {note_rows['notes']} progress notes ({note_rows['in_table']} in the agency; {note_rows['signed']} signed, "
            f"{note_rows['late']} of them late entries; {note_rows['drafts']} drafts), {note_rows['goal_links']} goals "
            f"addressed, {note_rows['addenda']} addenda, {note_rows['follow_ups']} follow-up dates in {note_rows['seconds']:.1f} s "
            f"({note_rows['cpu_seconds']:.1f} s of this process's CPU; load average {os.getloadavg()[0]:.1f})."
        )
        # A live database has planner statistics and no dead rows (autovacuum sees to both); a freshly loaded
        # one not yet: the UPDATE that signs the seeded notes with goals leaves their draft versions behind.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    open_clients = Client.objects.open().count()
    print(f"Timing the reminder sweep ({open_clients} open clients of {Client.objects.count()}), {args.sweeps} times "
          "on an empty reminders table and again the same day …")
    sweep_first, sweep_second, follow_ups = measure_sweep(args.sweeps)

    manager, client, family_name, matches, supervisor = choose_subjects()
    plans = care_plan_subjects(client, manager)
    notes = note_subjects(client, manager, plans)
    directory = seed_directory_and_referrals(client, manager)
    pages = build_pages(manager, client, family_name, supervisor, plans, notes, directory)
    print(
        f"Case manager {manager.username}: {manager.open_clients} open clients, {notes['tasks']} tasks. "
        f"Detail of {client.client_number} ({notes['notes']} notes); search {family_name!r} ({matches} of their clients). "
        f"Supervisor {supervisor.username}. Notes saved for {notes['writer'].client_number}."
    )
    print(f"Rendering the PDF of {client.client_number}'s care plan version {plans[0].number}, {args.pdf_renders} times …")
    pdf = measure_pdf(plans[0], renders=args.pdf_renders)
    if pdf is None:
        print("No careplans/pdf.py yet: the PDF is not measured.")
    print(f"Timing {args.requests} requests per page after {args.warmup} warm-up requests (DEBUG={settings.DEBUG}) …")
    load_before = os.getloadavg()[0]
    measure(pages, requests=args.requests, warmup=args.warmup)
    load_after = os.getloadavg()[0]

    floor, admin = pages[0], pages[1]
    rows = []
    for page in pages:
        ratio = page.median / floor.median
        misses = []
        if page not in (floor, admin):
            if ratio > TARGET_RATIO:
                misses.append(f"over {TARGET_RATIO:g}x the floor")
            if page.median >= admin.median:
                misses.append("not faster than the admin list")
        rows.append((page, ratio, misses))

    width = max(len(page.name) for page in pages)
    print()
    print(f"{'page':<{width}}  {'median ms':>9}  {'x floor':>7}  {'queries':>7}  {'of which SQL ms':>15}  target")
    print(f"{'-' * width}  {'-' * 9}  {'-' * 7}  {'-' * 7}  {'-' * 15}  ------")
    for page, ratio, misses in rows:
        verdict = "—" if page in (floor, admin) else ("MISSED: " + "; ".join(misses) if misses else "ok")
        print(
            f"{page.name:<{width}}  {page.median:>9.2f}  {ratio:>7.2f}  {len(page.queries):>7}  "
            f"{page.sql_median:>15.2f}  {verdict}"
        )
    if pdf:
        one_line, document = pdf
        print()
        print(f"{'PDF render (in the worker)':<{width}}  {'median ms':>9}  {'x 1-line':>7}  {'queries':>7}  {'size KB':>15}")
        print(f"{'-' * width}  {'-' * 9}  {'-' * 7}  {'-' * 7}  {'-' * 15}")
        for timing in (one_line, document):
            print(
                f"{timing.name:<{width}}  {timing.median:>9.2f}  {timing.median / one_line.median:>7.2f}  "
                f"{timing.queries:>7}  {timing.size / 1024:>15.1f}"
            )
    sweeps = [("first run, empty reminders table", sweep_first), ("again the same day", sweep_second)]
    print()
    title = f"Reminder sweep ({open_clients} open clients)"
    print(f"{title:<{width}}  {'median ms':>9}  {'min ms':>7}  {'queries':>7}  {'of which SQL ms':>15}  made / closed")
    print(f"{'-' * width}  {'-' * 9}  {'-' * 7}  {'-' * 7}  {'-' * 15}  -------------")
    for name, runs in sweeps:
        print(
            f"{name:<{width}}  {statistics.median(run.seconds for run in runs) * 1000:>9.1f}  "
            f"{min(run.seconds for run in runs) * 1000:>7.1f}  {statistics.median(len(run.statements) for run in runs):>7g}  "
            f"{statistics.median(run.sql_seconds for run in runs) * 1000:>15.1f}  {runs[-1].created} / {runs[-1].closed}"
        )
    print(f"  {args.sweeps} runs of each; {follow_ups} open follow-ups of signed notes added between them. The second run made 0.")
    # The pages again for a smaller record (or caseload): a query that depends on the record shows here.
    differ = [page for page in pages if page.smaller and len(page.smaller_queries) != len(page.queries)]
    second = [page for page in pages if page.smaller]
    if second:
        print()
        print("Queries at two sizes (a smaller record → the timed one):")
        for page in second:
            print(f"  {page.name} ({page.sizes}): {len(page.smaller_queries)} → {len(page.queries)}")
        print("  The same on every page." if not differ else f"  NOT THE SAME: {', '.join(page.name for page in differ)}.")
    missed = [page.name for page, _ratio, misses in rows if misses]
    print()
    print("All pages within target." if not missed else f"Missed the target: {', '.join(missed)}.")
    # Other processes on the machine stretch every page alike, but add noise: say how busy it was.
    print(f"Load average {load_before:.2f} before timing, {load_after:.2f} after, on {os.cpu_count()} CPUs.")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "at": datetime.now(UTC).isoformat(timespec="seconds"),
                "python": platform.python_version(),
                "postgresql": connection.pg_version,
                "clients": Client.objects.count(),
                "case_managers": args.managers,
                "seed_seconds": round(seed_seconds, 2) if seed_seconds is not None else None,
                "care_plan_seed_seconds": round(plan_seconds, 2) if plan_seconds is not None else None,
                "care_plan_rows": plan_rows,
                "note_rows": note_rows,
                "sweep": {
                    "runs": args.sweeps,
                    "open_clients": open_clients,
                    "follow_ups_added": follow_ups,
                    **{
                        key: [
                            {
                                "ms": round(run.seconds * 1000, 1), "sql_ms": round(run.sql_seconds * 1000, 1),
                                "queries": len(run.statements), "created": run.created, "closed": run.closed,
                                "dismissed": run.dismissed, "reassigned": run.reassigned,
                                "sql": [{"ms": round(took * 1000, 1), "sql": sql[:300]} for sql, took in run.statements],
                            }
                            for run in runs
                        ]
                        for key, runs in (("first", sweep_first), ("again", sweep_second))
                    },
                },
                "requests_per_page": args.requests,
                "warmup_per_page": args.warmup,
                "load_average": [round(load_before, 2), round(load_after, 2)],
                "cpus": os.cpu_count(),
                "target_ratio": TARGET_RATIO,
                "pages": [
                    {
                        "page": page.name,
                        "method": page.method.upper(),
                        "path": page.path,
                        "user": page.username,
                        "median_ms": round(page.median, 3),
                        "p90_ms": round(page.p90, 3),
                        "sql_median_ms": round(page.sql_median, 3),
                        "ratio_to_floor": round(ratio, 2),
                        "queries": len(page.queries),
                        "sql": page.queries,
                        "missed": misses,
                        **(
                            {
                                "smaller_path": page.smaller.path,
                                "smaller_user": page.smaller.username,
                                "sizes": page.sizes,
                                "smaller_queries": len(page.smaller_queries),
                                "smaller_sql": page.smaller_queries,
                            }
                            if page.smaller else {}
                        ),
                    }
                    for page, ratio, misses in rows
                ],
                "pdf": None if pdf is None else {
                    "renders": args.pdf_renders,
                    "plan": str(plans[0].pk),
                    "one_line_median_ms": round(pdf[0].median, 3),
                    "one_line_p90_ms": round(pdf[0].p90, 3),
                    "plan_median_ms": round(pdf[1].median, 3),
                    "plan_p90_ms": round(pdf[1].p90, 3),
                    "ratio_to_one_line": round(pdf[1].median / pdf[0].median, 2),
                    "plan_queries": pdf[1].queries,
                    "plan_bytes": pdf[1].size,
                    "one_line_bytes": pdf[0].size,
                },
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    print(f"Written to {RESULTS.relative_to(ROOT)}.")
    return 1 if args.check and (missed or differ) else 0


if __name__ == "__main__":
    sys.exit(main())
