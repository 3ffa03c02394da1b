"""Reads of client data. Every page that shows a client's data gets it through these functions."""

from __future__ import annotations

from functools import lru_cache
from math import ceil

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import router
from django.db.models import BooleanField, CharField, Count, Exists, ExpressionWrapper, OuterRef, Q, Subquery, Value
from django.http import Http404

from caseload import audit
from caseload.compiled import CompiledQuery, Param, columns, load_related
from caseload.models import Team, User
from clients.models import (
    CLIENT_ROW_FIELDS,
    Client,
    ClientStatusChange,
    any_of,
    scope_q,
    scope_terms,
    search_q,
    search_terms,
)


def _attach_risk_flags(client: Client) -> Client:
    """Every client page shows the client's open risk flags in its header.

    A plain query by client: cheaper than any EXISTS in the client's own query, which Django takes
    longer to build than PostgreSQL takes to answer this.
    """
    from assessments.models import RiskFlag

    client.active_risk_flags = list(
        # Who raised a flag is read only when there is a flag: most clients have none.
        RiskFlag.objects.filter(client_id=client.pk, cleared_at__isnull=True).prefetch_related("raised_by")
    )
    client.has_risk = bool(client.active_risk_flags)
    return client


def _scope_params(teams: int, granted: int) -> tuple[Param, list[Param], list[Param]]:
    """The `Param`s of a scope of this shape (ScopeTerms), for `scope_q`: its owner, teams and grants."""
    return (
        Param("owner", User._meta.pk),
        [Param(f"team{index}", Team._meta.pk) for index in range(teams)],
        [Param(f"granted{index}", Client._meta.pk) for index in range(granted)],
    )


def _scope_values(user, terms) -> dict:
    """The values of `_scope_params` for `user`, whose scope is `terms`."""
    values = {"owner": user.pk}
    values.update((f"team{index}", team) for index, team in enumerate(terms.teams))
    values.update((f"granted{index}", held) for index, held in enumerate(terms.granted))
    return values


MAX_PAGE = 100_000


# The client list's views: open cases (the default), cases waiting for a case manager, everyone.
LIST_VIEWS = {
    "open": lambda clients: clients.open(),
    "unassigned": lambda clients: clients.open().filter(case_manager__isnull=True),
    "all": lambda clients: clients,
}
LIST_ORDER = ("legal_family_name", "legal_given_name", "id")
ROW_COLUMNS = columns(Client, only=CLIENT_ROW_FIELDS + ("case_manager_id",))
MANAGER_NAME_COLUMNS = columns(User, only=("id", *User.NAME_FIELDS))
ROW_MANAGER_COLUMNS = tuple(f"case_manager__{name}" for name in MANAGER_NAME_COLUMNS)


@lru_cache(maxsize=256)
def _list_query(everyone: bool, teams: int, granted: int, show: str, birth_date: bool, words: int,
                number: int, per_page: int) -> CompiledQuery:
    """One page of a client list of this shape (scope, view, search), compiled once: the clients a
    row shows, their case manager's name, whether a flag is open, and how many match (a subquery
    PostgreSQL works out once, on the scope's indexes)."""
    from assessments.models import RiskFlag

    def build():
        clients = Client.objects.all()
        if not everyone:
            clients = clients.filter(scope_q(*_scope_params(teams, granted)))
        clients = LIST_VIEWS[show](clients)
        if birth_date or words:
            clients = clients.filter(search_q(
                Param("born", Client._meta.get_field("date_of_birth")) if birth_date else None,
                [Param(f"word{index}", CharField()) for index in range(words)],
            ))
        matching = clients.order_by().annotate(one=Value(1)).values("one").annotate(count=Count("pk")).values("count")
        return clients.annotate(
            has_risk=Exists(RiskFlag.objects.filter(client_id=OuterRef("pk"), cleared_at__isnull=True)),
            matches=Subquery(matching),
        ).order_by(*LIST_ORDER).values_list(*ROW_COLUMNS, *ROW_MANAGER_COLUMNS, "has_risk", "matches")[
            (number - 1) * per_page : number * per_page
        ]

    return CompiledQuery(build)


def _list_row(row, using: str) -> Client:
    end_client = len(ROW_COLUMNS)
    client = Client.from_db(using, ROW_COLUMNS, row[:end_client])
    load_related(client, "case_manager", MANAGER_NAME_COLUMNS, row[end_client : end_client + len(MANAGER_NAME_COLUMNS)], using)
    client.has_risk = bool(row[-2])
    return client


def client_list_page(user, *, show: str, text: str, number, per_page: int) -> Page:
    """A page of the clients `user` may see (LIST_VIEWS[show], matching the search `text`), in name order.

    One query, compiled once per shape of scope, view and search (`_list_query`), for the rows, their
    case managers, their risk flags and the count. Past the end (a stale link) the page has no row
    to carry the count: it is counted on its own and the last page shown, as `Paginator.get_page` does.
    """
    try:
        # Capped so the offset stays a number the database takes; past the end, the last page is shown.
        number = min(max(int(number), 1), MAX_PAGE)
    except (TypeError, ValueError):
        number = 1
    terms = scope_terms(user)
    if terms is None:
        return Paginator([], per_page).page(1)
    birth_date, words = search_terms(text)
    values = {**_scope_values(user, terms), "born": birth_date}
    values.update((f"word{index}", word) for index, word in enumerate(words))
    shape = (terms.everyone, len(terms.teams), len(terms.granted), show, birth_date is not None, len(words))
    using = router.db_for_read(Client)
    rows = _list_query(*shape, number, per_page).rows(using=using, **values)
    if rows:
        count = rows[0][-1]
    else:
        count = LIST_VIEWS[show](Client.objects.visible_to(user)).search(text).count()
        last = max(ceil(count / per_page), 1)
        if number > last:
            number = last
            rows = _list_query(*shape, number, per_page).rows(using=using, **values)
    clients = [_list_row(row, using) for row in rows]
    paginator = Paginator(clients, per_page)
    paginator.count = count  # a list's count would be this page's length
    return Page(clients, number, paginator)


def _audit_read(*, client_id, obj, summary: str, emergency: bool) -> None:
    """A read through an emergency grant is marked as such, so that it stands out in the trail."""
    if emergency:
        audit.audit_read(client_id=client_id, obj=obj, summary=f"emergency access: {summary}", action="emergency")
    else:
        audit.audit_read(client_id=client_id, obj=obj, summary=summary)


CLIENT_COLUMNS = columns(Client)
USER_COLUMNS, TEAM_ONLY_COLUMNS = columns(User), columns(Team)
CASE_MANAGER_COLUMNS = tuple(f"case_manager__{name}" for name in USER_COLUMNS)
TEAM_COLUMNS = tuple(f"team__{name}" for name in TEAM_ONLY_COLUMNS)


@lru_cache(maxsize=64)
def _client_query(everyone: bool, teams: int, granted: int) -> CompiledQuery:
    """A client by id, within a scope of this shape, with its case manager, its team and whether a flag is open.

    One compiled query per shape of scope (ScopeTerms): the scope's rule is `scope_q`, as for every
    other read; only its values are bound on each run.
    """
    from assessments.models import RiskFlag

    def build():
        clients = Client.objects.filter(pk=Param("client", Client._meta.pk))
        owner, team_ids, held = _scope_params(teams, granted)
        if not everyone:
            clients = clients.filter(scope_q(owner, team_ids, held))
        emergency = ExpressionWrapper(any_of("pk", held), output_field=BooleanField()) if held else Value(False)
        return clients.annotate(
            opened_in_emergency=emergency,
            has_risk=Exists(RiskFlag.objects.filter(client_id=OuterRef("pk"), cleared_at__isnull=True)),
        ).values_list(*CLIENT_COLUMNS, *CASE_MANAGER_COLUMNS, *TEAM_COLUMNS, "opened_in_emergency", "has_risk")

    return CompiledQuery(build)


def _client_from_row(row, using: str) -> Client:
    """The client of a `_client_query` row, with its case manager and team in place as select_related puts them."""
    end_client = len(CLIENT_COLUMNS)
    end_manager = end_client + len(CASE_MANAGER_COLUMNS)
    end_team = end_manager + len(TEAM_COLUMNS)
    client = Client.from_db(using, CLIENT_COLUMNS, row[:end_client])
    load_related(client, "case_manager", USER_COLUMNS, row[end_client:end_manager], using)
    load_related(client, "team", TEAM_ONLY_COLUMNS, row[end_manager:end_team], using)
    client.opened_in_emergency, client.has_risk = bool(row[end_team]), bool(row[end_team + 1])
    return client


def get_client_for_user(user, client_id, *, summary: str = "client record") -> Client:
    """The client if `user` may see it (and the read is audited), else 404 — never 403.

    The client's query is compiled once per shape of scope (`_client_query`): every client page
    reads it, and Django took longer to build it than PostgreSQL takes to answer it.
    """
    terms = scope_terms(user)
    if terms is None:
        raise Http404("No such client")
    try:
        client_id = Client._meta.pk.to_python(client_id)
    except ValidationError:
        raise Http404("No such client") from None
    query = _client_query(terms.everyone, len(terms.teams), len(terms.granted))
    values = {**_scope_values(user, terms), "client": client_id}
    using = router.db_for_read(Client)
    rows = query.rows(using=using, **values)
    if not rows:
        raise Http404("No such client")
    client = _client_from_row(rows[0], using)
    _audit_read(client_id=client.pk, obj=client, summary=summary, emergency=client.opened_in_emergency)
    if client.has_risk:
        return _attach_risk_flags(client)
    client.active_risk_flags = []
    return client


def get_client_record_for_user(user, model, pk, *, summary: str = "", related: tuple[str, ...] = ()):
    """A record that belongs to a client (a contact, a dependant …), scoped like its client.

    `related` names more foreign keys to read in the same query (the page shows them).
    """
    try:
        record = (
            model.objects.visible_to(user)
            .with_emergency_flag(user)
            .select_related("client", "client__case_manager", "client__team", *related)
            .get(pk=pk)
        )
    except (model.DoesNotExist, ValueError):
        raise Http404("No such record") from None
    _audit_read(client_id=record.client_id, obj=record, summary=summary or str(model._meta.verbose_name),
                emergency=record.opened_in_emergency)
    record.client.opened_in_emergency = record.opened_in_emergency
    _attach_risk_flags(record.client)
    return record


def possible_duplicates(*, given_name: str, family_name: str, date_of_birth, phone: str = "", exclude_id=None):
    """Clients anywhere in the agency with the same name and birth date, or the same phone.

    Deliberately not scoped: a duplicate is most likely a record someone else holds. Callers show
    only what identifies the match (number, status, team), never the record itself.
    """
    same_person = Q(
        legal_given_name__iexact=given_name.strip(),
        legal_family_name__iexact=family_name.strip(),
        date_of_birth=date_of_birth,
    )
    if phone:
        same_person |= Q(phone=phone)
    discharged_on = (
        ClientStatusChange.objects.filter(client_id=OuterRef("pk"), to_status=Client.Status.DISCHARGED)
        .order_by("-effective_date", "-changed_at")
        .values("effective_date")[:1]
    )
    matches = (
        Client.objects.filter(same_person)
        .select_related("team", "case_manager")
        .annotate(discharged_on=Subquery(discharged_on))
    )
    if exclude_id:
        matches = matches.exclude(pk=exclude_id)
    return list(matches.order_by("status", "-updated_at")[:5])
