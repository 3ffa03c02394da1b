"""A case manager's caseload seen by their supervisor, moving clients with a preview, and a client's acuity.

The caseload page shows the same rows as My caseload, with a box to tick on each and the client's
acuity; its header holds the person's load against their team's target. Ticked clients, the case
manager who takes them and the reason are posted (never put in the address) to a preview that works
out both case managers' numbers after the move without saving anything; *Confirm the move* moves
every client in one transaction, or none if any of them has moved meanwhile.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caseload import audit, outbox
from caseload.acuity import LEVELS, SEVERITY_LEVELS, acuity_set, acuity_withdraw, highest, weights
from caseload.models import AcuityRating, Role, Team, User
from caseload.reassignment_forms import AcuityForm, MoveForm
from caseload.selectors import assignable_case_managers, caseload_today
from caseload.services import client_assign
from caseload.supervision import CaseManagerLoad, _loads, visible_teams
from caseload.tasks import notify_assignments
from caseload.views import PAGE_SIZE
from clients.models import Acuity, Client
from clients.selectors import get_client_for_user

# --- whose caseload, and their numbers -----------------------------------------------------------


@dataclass
class Load(CaseManagerLoad):
    """One person's load against the target of the team it is read for (none: no target to be over)."""

    team: Team | None = None

    @property
    def over_target(self) -> bool:
        return self.team is not None and super().over_target


def _team_of(viewer, member_id: int) -> Team | None:
    """The first of the viewer's teams (by name) that `member_id` belongs to."""
    return visible_teams(viewer).filter(members=member_id).first()


def _case_manager_for(viewer, user_id: int) -> tuple[User, Team | None]:
    """The member of staff whose caseload `viewer` may open, and the team whose target applies.

    A supervisor opens the caseloads of their teams' members, an administrator anyone's; everyone
    else, and anyone else's caseload, is not found.
    """
    if not viewer.can_assign_clients:
        raise Http404("No such caseload")
    person = User.objects.filter(pk=user_id, role__in=[Role.CASE_MANAGER, Role.SUPERVISOR]).first()
    if person is None:
        raise Http404("No such caseload")
    team = _team_of(viewer, person.pk)
    if team is None and not viewer.is_administrator:
        raise Http404("No such caseload")
    return person, team


def _load(person, team, by_level: dict[str, int], level_weights: dict[str, Decimal], **counts) -> Load:
    by_level = {level: by_level.get(level, 0) for level in LEVELS}
    load = Load(user=person, team=team, target=team.target_ratio if team else 0, fte=person.fte,
                by_level=by_level, **counts)
    load.weighted = sum((level_weights[level] * count for level, count in by_level.items()), Decimal("0"))
    return load


def _loads_of(people: list[tuple[User, Team | None]], today) -> list[Load]:
    """Each person's load now (the dashboard's numbers, for these people only)."""
    counts = _loads([person.pk for person, _team in people], today)
    level_weights = weights()
    return [_load(person, team, **counts[person.pk], level_weights=level_weights) for person, team in people]


def _formula(level_weights) -> str:
    parts = ", ".join(f"{Acuity(level).label.lower()} {floatformat(level_weights[level], -1)}" for level in LEVELS)
    return _(
        "Weighted load: the sum of the acuity weights of the active clients (%(weights)s), divided by FTE."
    ) % {"weights": parts}


# --- the caseload page ----------------------------------------------------------------------------


@login_required
@require_GET
def caseload(request, user_id):
    """A case manager's caseload as their supervisor sees it: who needs attention, and how heavy it is."""
    person, team = _case_manager_for(request.user, user_id)
    form = MoveForm(source=person, assignable=assignable_case_managers(request.user))
    return _caseload_page(request, person, team, form)


def _caseload_page(request, person, team, form, *, selected=()):
    today = timezone.localdate()
    page, counts, _notices = caseload_today(
        person, query="", page_number=request.GET.get("page"), per_page=PAGE_SIZE, today=today
    )
    rows = list(page.object_list)
    hidden = 0
    if not request.user.is_administrator:
        # A case manager may carry a client of a team this supervisor does not supervise: not listed.
        ids = [client.pk for client in rows]
        visible = set(Client.objects.visible_to(request.user, emergency=False).filter(pk__in=ids).values_list("pk", flat=True))
        hidden = sum(client.pk not in visible for client in rows)
        rows = [client for client in rows if client.pk in visible]
    (load,) = _loads_of([(person, team)], today)
    audit.record(action="list", summary=_("caseload of %(name)s, page %(page)s") % {
        "name": person.display_name, "page": page.number,
    })
    return render(request, "caseload/reassignment/caseload.html", {
        "person": person, "team": team, "load": load, "formula": _formula(weights()),
        "page": page, "rows": rows, "hidden": hidden, "counts": counts, "form": form,
        "selected": [str(pk) for pk in selected],
    })


# --- moving clients -------------------------------------------------------------------------------


@dataclass
class Side:
    """One case manager in a move: their numbers before and after it."""

    before: Load
    after: Load

    @property
    def user(self):
        return self.before.user


@dataclass
class Preview:
    source: Side
    target: Side
    clients: list[Client] = field(default_factory=list)

    @property
    def sides(self) -> list[Side]:
        return [self.source, self.target]


def preview_move(*, source_load: Load, target_load: Load, clients: list[Client], level_weights) -> Preview:
    """Both case managers' numbers after `clients` move from one to the other; nothing is saved.

    Only active clients count in a load (a referred client counts once seen), each at the level in force.
    """
    moving = Counter(client.acuity for client in clients if client.status == Client.Status.ACTIVE)

    def after(load: Load, sign: int) -> Load:
        by_level = {level: load.by_level[level] + sign * moving[level] for level in LEVELS}
        return _load(load.user, load.team, by_level, level_weights)

    return Preview(
        source=Side(before=source_load, after=after(source_load, -1)),
        target=Side(before=target_load, after=after(target_load, +1)),
        clients=clients,
    )


def _movable(viewer, person):
    """`person`'s open clients that `viewer` may see: the only ones that can be moved from this page."""
    return Client.objects.visible_to(viewer, emergency=False).open().filter(case_manager=person)


def _move_form(request, person):
    return MoveForm(request.POST, source=person, assignable=assignable_case_managers(request.user))


@login_required
@require_POST
def move_preview(request, user_id):
    """What the move would do to both case managers' numbers, before anything moves."""
    person, team = _case_manager_for(request.user, user_id)
    selected = request.POST.getlist("clients")
    if "change" in request.POST:  # back from the preview: the same selection, reason and case manager
        form = MoveForm(initial={"to": request.POST.get("to"), "reason": request.POST.get("reason", "")},
                        source=person, assignable=assignable_case_managers(request.user))
        return _caseload_page(request, person, team, form, selected=selected)
    form = _move_form(request, person)
    clients = []
    if form.is_valid():
        ids = form.cleaned_data["clients"]
        clients = list(_movable(request.user, person).filter(pk__in=ids).order_by("legal_family_name", "legal_given_name"))
        if len(clients) != len(ids):
            form.add_error("clients", ngettext(
                "%(count)s of the ticked clients is no longer with %(name)s. Look at the list again.",
                "%(count)s of the ticked clients are no longer with %(name)s. Look at the list again.",
                len(ids) - len(clients),
            ) % {"count": len(ids) - len(clients), "name": person.display_name})
    if not form.is_valid():
        return _caseload_page(request, person, team, form, selected=selected)
    target = form.cleaned_data["to"]
    today = timezone.localdate()
    source_load, target_load = _loads_of([(person, team), (target, _team_of(request.user, target.pk))], today)
    preview = preview_move(source_load=source_load, target_load=target_load, clients=clients, level_weights=weights())
    audit.record(action="list", summary=_("moving %(count)s clients of %(name)s: preview") % {
        "count": len(clients), "name": person.display_name,
    })
    return render(request, "caseload/reassignment/preview.html", {
        "person": person, "team": team, "form": form, "preview": preview, "reason": form.cleaned_data["reason"],
        "formula": _formula(weights()),
    })


class StalePreview(Exception):
    pass


@login_required
@require_POST
def move_confirm(request, user_id):
    """Move every previewed client, in one transaction: all of them, or none."""
    person, team = _case_manager_for(request.user, user_id)
    form = _move_form(request, person)
    if not form.is_valid():
        return _caseload_page(request, person, team, form, selected=request.POST.getlist("clients"))
    ids, target, reason = form.cleaned_data["clients"], form.cleaned_data["to"], form.cleaned_data["reason"]
    try:
        with transaction.atomic():
            # Locked in a fixed order, so two supervisors moving overlapping clients cannot deadlock.
            clients = list(Client.objects.visible_to(request.user, emergency=False).select_for_update().filter(pk__in=ids).order_by("pk"))
            moved_meanwhile = [client for client in clients
                               if client.case_manager_id != person.pk or client.status == Client.Status.DISCHARGED]
            if len(clients) != len(ids) or moved_meanwhile:
                raise StalePreview(len(ids) - len(clients) + len(moved_meanwhile))
            moves = [
                client_assign(client=client, case_manager=target, by=request.user, reason=reason, notify=False).pk
                for client in clients
            ]
            # Each case manager gets one mail listing every client of the move, not one mail per client.
            outbox.enqueue(notify_assignments, moves)
    except StalePreview as stale:
        count = stale.args[0]
        messages.error(request, ngettext(
            "Nothing was moved: %(count)s of the clients in the preview is no longer with %(name)s "
            "(someone moved or discharged them meanwhile). Here is the caseload as it is now.",
            "Nothing was moved: %(count)s of the clients in the preview are no longer with %(name)s "
            "(someone moved or discharged them meanwhile). Here is the caseload as it is now.",
            count,
        ) % {"count": count, "name": person.display_name})
        return redirect("reassignment:caseload", user_id=person.pk)
    except ValidationError as error:
        messages.error(request, _("Nothing was moved: %(problem)s") % {"problem": " ".join(error.messages)})
        return redirect("reassignment:caseload", user_id=person.pk)
    messages.success(request, ngettext(
        "%(count)s client moved from %(from)s to %(to)s. Both have been told.",
        "%(count)s clients moved from %(from)s to %(to)s. Both have been told.",
        len(ids),
    ) % {"count": len(ids), "from": person.display_name, "to": target.display_name})
    return redirect("reassignment:caseload", user_id=person.pk)


# --- a client's acuity ----------------------------------------------------------------------------


@dataclass
class Finding:
    """Something in the record that points to a level: an open risk flag, or an instrument's latest result."""

    what: str
    result: str
    level: str
    when: object = None
    decides: bool = False

    @property
    def level_label(self) -> str:
        return Acuity(self.level).label


def explain(client) -> tuple[str, list[Finding]]:
    """The derived level and why (the rules of caseload.acuity, the same two reads as `derive`).

    `client.active_risk_flags` is set by get_client_for_user.
    """
    from assessments.instruments import UnknownInstrument, get_instrument
    from assessments.models import InstrumentResponse

    findings = [
        Finding(what=_("Open risk flag"), result=f"{flag.get_kind_display()}: {flag.reason}", level=Acuity.HIGH,
                when=flag.raised_at)
        for flag in client.active_risk_flags
    ]
    latest = InstrumentResponse.objects.filter(client_id=client.pk, complete=True).latest_per_instrument()
    for response in sorted(latest, key=lambda response: response.instrument):
        try:
            name = get_instrument(response.instrument).short_name
        except UnknownInstrument:
            name = response.instrument
        result = " · ".join(str(part) for part in (response.total, response.band_label or response.severity) if part not in (None, ""))
        findings.append(Finding(
            what=_("Latest %(instrument)s") % {"instrument": name}, result=result, when=response.administered_on,
            level=SEVERITY_LEVELS.get((response.instrument, response.severity), Acuity.LOW),
        ))
    derived = highest([finding.level for finding in findings])
    for finding in findings:
        finding.decides = finding.level == derived and derived != Acuity.LOW
    return derived, findings


def _may_rate(user, client) -> bool:
    """The client's own case manager, a supervisor (of a team the client is in scope through), an administrator."""
    return user.is_administrator or user.is_supervisor or client.case_manager_id == user.pk


@login_required
@require_http_methods(["GET", "POST"])
def acuity(request, client_id):
    """The level the record points to and why, the level in force, its history; set or withdraw a level."""
    client = get_client_for_user(request.user, client_id, summary="acuity")
    may_rate = _may_rate(request.user, client)
    form = AcuityForm(initial={"level": client.acuity})
    if request.method == "POST":
        if not may_rate:
            raise PermissionDenied
        if request.POST.get("action") == "withdraw":
            acuity_withdraw(client=client, by=request.user)
            client.refresh_from_db(fields=["acuity", "acuity_derived"])
            messages.success(request, _("Your level was withdrawn: the level is now what the record shows, %(level)s.")
                             % {"level": client.get_acuity_display().lower()})
            return redirect("reassignment:acuity", client_id=client.pk)
        form = AcuityForm(request.POST)
        if form.is_valid():
            try:
                rating = acuity_set(client=client, by=request.user, level=form.cleaned_data["level"],
                                    reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Acuity set to %(level)s.") % {"level": rating.get_level_display().lower()})
                return redirect("reassignment:acuity", client_id=client.pk)
    derived, findings = explain(client)
    history = list(AcuityRating.objects.filter(client=client).select_related("set_by", "withdrawn_by"))
    in_force = next((rating for rating in history if rating.withdrawn_at is None), None)
    level_weights = weights()
    level = in_force.level if in_force else derived
    return render(request, "caseload/reassignment/acuity.html", {
        "client": client, "form": form, "may_rate": may_rate, "derived": Acuity(derived), "findings": findings,
        "in_force": in_force, "level": Acuity(level), "weight": level_weights[level], "history": history,
        "weights": [(Acuity(name), level_weights[name]) for name in LEVELS],
    })
