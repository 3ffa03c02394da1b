"""Agency-scale benchmark: seed 100 case managers and 5,000 clients in PostgreSQL, then time the pages.

    python bench/run.py [--requests 50] [--warmup 5] [--keep-db] [--check]

Uses DATABASE_URL (PostgreSQL only), or postgres://postgres@127.0.0.1:5432/caseload_bench when it is
unset. The database is dropped and created again for a clean run, so its name must contain "bench".
Every page is requested in-process with Django's test client, round-robin so that all pages see the
same database state; the time is the server's own (bench.middleware.ServerTimingMiddleware). The
number of queries comes from one more request per page under CaptureQueriesContext. Results are
printed as a table and written to bench/results/latest.json.
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
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/caseload_bench"

# Every page must answer within this many times the floor, and faster than the Django admin list.
TARGET_RATIO = 3.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page (at least 30; default 50)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per page first (default 5)")
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--managers", type=int, default=100)
    parser.add_argument("--keep-db", action="store_true", help="reuse the database as it is: no drop, no seed")
    parser.add_argument("--check", action="store_true", help="exit 1 when a page misses its target")
    args = parser.parse_args()
    if args.requests < 30:
        parser.error("--requests must be at least 30 for a stable median")
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
    times: list[float] = field(default_factory=list)
    sql_times: list[float] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)

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


def build_pages(manager, client, family_name, supervisor) -> list[Page]:
    search = {"q": family_name}
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
    seed_seconds = None
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
        # A live database has planner statistics (autovacuum keeps them); a freshly loaded one not yet.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    manager, client, family_name, matches, supervisor = choose_subjects()
    pages = build_pages(manager, client, family_name, supervisor)
    print(
        f"Case manager {manager.username}: {manager.open_clients} open clients. Detail of {client.client_number}; "
        f"search {family_name!r} ({matches} of their clients). Supervisor {supervisor.username}."
    )
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
                    }
                    for page, ratio, misses in rows
                ],
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    print(f"Written to {RESULTS.relative_to(ROOT)}.")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
