"""Agency-scale benchmark: seed 100 case managers and 5,000 clients in PostgreSQL, then time the pages.

    python bench/run.py [--requests 50] [--warmup 5] [--pdf-renders 10] [--keep-db] [--check]

Uses DATABASE_URL (PostgreSQL only), or postgres://postgres@127.0.0.1:5432/caseload_bench when it is
unset. The database is dropped and created again for a clean run, so its name must contain "bench".
Every page is requested in-process with Django's test client, round-robin so that all pages see the
same database state; the time is the server's own (bench.middleware.ServerTimingMiddleware). The
number of queries comes from one more request per page under CaptureQueriesContext. The care plan's
PDF, which the worker renders, is timed against a one-line WeasyPrint document. Results are printed as
a table and written to bench/results/latest.json.
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
    parser.add_argument("--keep-db", action="store_true", help="reuse the database as it is: no drop, no seed")
    parser.add_argument("--check", action="store_true", help="exit 1 when a page misses its target")
    args = parser.parse_args()
    if args.requests < 30:
        parser.error("--requests must be at least 30 for a stable median")
    if args.pdf_renders < 10:
        parser.error("--pdf-renders must be at least 10")
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
    expect: str = ""  # text the response must contain, so an error page is never timed as a success
    before: tuple[str, str, dict] | None = None  # a request made once, untimed, before the first timing
    smaller: str = ""  # the same page for a smaller record: its number of queries must be the same
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


def build_pages(manager, client, family_name, supervisor, plans) -> list[Page]:
    search = {"q": family_name}
    active, draft, small_active, small_draft = plans
    return [
        Page("floor (1 query, no template)", manager.username, "/bench/floor/"),
        Page("admin client list", "admin", "/admin/clients/client/", expect="client_number"),
        Page("My caseload", manager.username, "/", expect=client.client_number),
        Page("client list", manager.username, "/clients/", expect="clients you can see"),
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
            smaller=f"/careplans/{small_active.pk}/",
        ),
        Page(
            "care plan versions", manager.username, f"/careplans/clients/{client.pk}/",
            expect=f"Continue version {draft.number}", smaller=f"/careplans/clients/{small_draft.client_id}/",
        ),
        Page(
            "care plan draft: edit", manager.username, f"/careplans/{draft.pk}/edit/", expect="Add a goal",
            smaller=f"/careplans/{small_draft.pk}/edit/",
        ),
        Page(
            "care plan verify", manager.username, f"/careplans/{active.pk}/verify/", expect="Intact.",
            smaller=f"/careplans/{small_active.pk}/verify/",
        ),
        Page(
            "care plan compare", manager.username, f"/careplans/{draft.pk}/compare/",
            expect=f"Version {active.number} beside version {draft.number}", smaller=f"/careplans/{small_draft.pk}/compare/",
        ),
        Page("client list (supervisor)", supervisor.username, "/clients/", expect="clients you can see"),
        Page(
            "client search: results GET (supervisor)", supervisor.username, "/clients/",
            expect="your search", before=("post", "/clients/", search),
        ),
    ]


def request(web, page: Page):
    response = getattr(web, page.method)(page.path, page.data)
    if response.status_code != page.status:
        raise SystemExit(f"{page.name}: {page.method.upper()} {page.path} answered {response.status_code}, not {page.status}")
    if page.expect and page.expect not in response.content.decode():
        raise SystemExit(f"{page.name}: {page.path} does not contain {page.expect!r}")
    return response


def measure(pages: list[Page], *, requests: int, warmup: int) -> None:
    from django.db import connection
    from django.test import Client as WebClient
    from django.test.utils import CaptureQueriesContext

    from caseload.models import User

    users = {user.username: user for user in User.objects.filter(username__in={page.username for page in pages})}
    clients = {}
    for page in pages:
        web = clients[page.name] = WebClient()
        web.force_login(users[page.username])
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
            smaller = Page(page.name, page.username, page.smaller)
            request(clients[page.name], smaller)  # once first, as the page itself was warmed up
            with CaptureQueriesContext(connection) as captured:
                request(clients[page.name], smaller)
            page.smaller_queries = [query["sql"] for query in captured.captured_queries]


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
    seed_seconds = plan_seconds = plan_rows = None
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
        # A live database has planner statistics (autovacuum keeps them); a freshly loaded one not yet.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    manager, client, family_name, matches, supervisor = choose_subjects()
    plans = care_plan_subjects(client, manager)
    pages = build_pages(manager, client, family_name, supervisor, plans)
    print(
        f"Case manager {manager.username}: {manager.open_clients} open clients. Detail of {client.client_number}; "
        f"search {family_name!r} ({matches} of their clients). Supervisor {supervisor.username}."
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
    # The care plan pages again for another client's smaller plan: a query that depends on the record shows here.
    differ = [page for page in pages if page.smaller and len(page.smaller_queries) != len(page.queries)]
    second = [page for page in pages if page.smaller]
    if second:
        print()
        print("Queries of the care plan pages for a smaller plan (3 goals, 2 versions) → this plan (5 goals, 5 versions):")
        print("  " + ", ".join(f"{page.name} {len(page.smaller_queries)} → {len(page.queries)}" for page in second) + ".")
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
                                "smaller_path": page.smaller,
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
