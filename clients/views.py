"""Client record pages. Each one: scope check → form → service → redirect or render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import router
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from assessments.models import RiskFlag
from careplans.selectors import plan_in_force
from caseload import audit
from caseload.compiled import CompiledQuery, Param, columns, load_related
from caseload.models import Assignment, AuditEvent, ProgressNote, User
from caseload.selectors import assignable_case_managers
from clients import selectors, services
from clients.forms import ClientForm, ContactForm, DependantForm, RegisterClientForm, SearchForm, StatusChangeForm
from clients.models import Client, ClientContact, ClientStatusChange, Dependant

PAGE_SIZE = 25
SEARCH_SESSION_KEY = "client_search"
LIST_VIEW_LABELS = [("open", _lazy("Open")), ("unassigned", _lazy("Waiting for a case manager")), ("all", _lazy("All, with discharged"))]


def remembered_search(request, key: str = SEARCH_SESSION_KEY) -> SearchForm:
    """Search terms travel by POST and live in the session: names and birth dates stay out of URLs and logs."""
    if request.method == "POST":
        form = SearchForm(request.POST)
        if form.is_valid():
            request.session[key] = form.cleaned_data["q"]
        return form
    return SearchForm(initial={"q": request.session.get(key, "")})


@login_required
@require_http_methods(["GET", "POST"])
def client_list(request):
    form = remembered_search(request)
    if request.method == "POST" and form.is_valid():
        return redirect("clients:list")
    query = request.session.get(SEARCH_SESSION_KEY, "")
    show = request.GET.get("show") if request.GET.get("show") in selectors.LIST_VIEWS else "open"
    page = selectors.client_list_page(request.user, show=show, text=query, number=request.GET.get("page"), per_page=PAGE_SIZE)
    audit.record(
        action="search" if query else "list",
        summary=_("client list, page %(page)s, %(count)s shown") % {"page": page.number, "count": len(page.object_list)},
    )
    return render(
        request,
        "clients/list.html",
        {"form": form, "page": page, "query": query, "show": show, "views": LIST_VIEW_LABELS},
    )


@login_required
@require_http_methods(["GET", "POST"])
def client_register(request):
    assignable = assignable_case_managers(request.user) if request.user.can_assign_clients else None
    form = RegisterClientForm(request.POST or None, assignable=assignable)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        duplicates = selectors.possible_duplicates(
            given_name=form.cleaned_data["legal_given_name"],
            family_name=form.cleaned_data["legal_family_name"],
            date_of_birth=form.cleaned_data["date_of_birth"],
            phone=form.cleaned_data["phone"],
        )
        reopen_id = request.POST.get("reopen")
        if reopen_id:
            return _reopen_duplicate(request, reopen_id, duplicates, form.values())
        if not duplicates or form.cleaned_data["confirm_new"]:
            client = services.client_register(
                by=request.user,
                values=form.values(),
                case_manager=form.cleaned_data.get("case_manager"),
            )
            messages.success(
                request, _("%(name)s is registered as client %(number)s.") % {"name": client.full_name, "number": client.client_number}
            )
            return redirect("clients:detail", client_id=client.pk)
        form.add_error(
            "confirm_new",
            _("A record like this already exists. Open or re-open it, or tick this box if it is a different person."),
        )
    visible_ids = set(
        Client.objects.visible_to(request.user).filter(pk__in=[d.pk for d in duplicates]).values_list("pk", flat=True)
    ) if duplicates else set()
    return render(
        request,
        "clients/register.html",
        {"form": form, "duplicates": duplicates, "visible_ids": visible_ids},
    )


def _reopen_duplicate(request, reopen_id, duplicates, typed: dict):
    # Only a record that matches what was typed (same name and birth date, or phone) can be re-opened here.
    match = next((d for d in duplicates if str(d.pk) == reopen_id and d.status == Client.Status.DISCHARGED), None)
    if match is None:
        raise Http404("No such client")
    services.client_reopen(
        client=match,
        by=request.user,
        to_status=Client.Status.REFERRED,
        note=_("Re-opened at a new referral instead of registering a second record."),
        updates=typed,
    )
    messages.success(request, _("The earlier record %(number)s is re-opened.") % {"number": match.client_number})
    return redirect("clients:detail", client_id=match.pk)


def _of_the_client(model, names):
    """`names` of `model`'s rows that belong to the client given when it runs, compiled once."""
    return CompiledQuery(lambda: model.objects.filter(client_id=Param("client", Client._meta.pk)).values_list(*names))


CONTACTS = _of_the_client(ClientContact, columns(ClientContact))
DEPENDANTS = _of_the_client(Dependant, columns(Dependant))
NOTE_COLUMNS = columns(ProgressNote, only=("id", "client_id", "author_id", "contact_type", "contact_at"))
AUTHOR_NAME_COLUMNS = columns(User, only=("id", *User.NAME_FIELDS))
AUTHOR_COLUMNS = tuple(f"author__{name}" for name in AUTHOR_NAME_COLUMNS)
LATEST_NOTE = CompiledQuery(lambda: (
    ProgressNote.objects.filter(client_id=Param("client", Client._meta.pk)).values_list(*NOTE_COLUMNS, *AUTHOR_COLUMNS)[:1]
))


def last_contact(client) -> ProgressNote | None:
    """The latest note, as the record names it: its type, when, and who wrote it."""
    using = router.db_for_read(ProgressNote)
    for row in LATEST_NOTE.rows(using=using, client=client.pk):
        note = ProgressNote.from_db(using, NOTE_COLUMNS, row[: len(NOTE_COLUMNS)])
        load_related(note, "author", AUTHOR_NAME_COLUMNS, row[len(NOTE_COLUMNS):], using)
        return note
    return None


@login_required
def client_detail(request, client_id):
    client = selectors.get_client_for_user(request.user, client_id)
    contacts = ClientContact.in_display_order(CONTACTS.instances(ClientContact, client=client.pk))
    dependants = DEPENDANTS.instances(Dependant, client=client.pk)
    return render(
        request, "clients/detail.html",
        {"client": client, "contacts": contacts, "dependants": dependants, "care_plan": plan_in_force(client),
         "last_note": last_contact(client)},
    )


@login_required
def client_history(request, client_id):
    """The episode (status changes), the case managers who carried the case, and every risk flag."""
    client = selectors.get_client_for_user(request.user, client_id, summary="history")
    status_changes = ClientStatusChange.objects.filter(client=client).select_related("changed_by")
    assignments = Assignment.objects.filter(client=client).select_related("case_manager", "assigned_by", "team")
    risk_flags = RiskFlag.objects.filter(client=client).select_related("raised_by", "cleared_by")
    return render(
        request,
        "clients/history.html",
        {"client": client, "status_changes": status_changes, "assignments": assignments, "risk_flags": risk_flags},
    )


@login_required
@require_http_methods(["GET", "POST"])
def client_edit(request, client_id):
    client = selectors.get_client_for_user(request.user, client_id, summary="client record (edit)")
    form = ClientForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        try:
            services.client_update(
                client=client, by=request.user, values=form.values(), expected_version=form.expected_version
            )
        except services.ConcurrentEditError as error:
            form.add_error(None, error.user_message)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("clients:detail", client_id=client.pk)
    return render(request, "clients/edit.html", {"client": client, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def client_status(request, client_id):
    client = selectors.get_client_for_user(request.user, client_id, summary="status")
    form = StatusChangeForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.client_change_status(
                client=client,
                by=request.user,
                to_status=data["to_status"],
                effective_date=data["effective_date"],
                discharge_reason=data["discharge_reason"],
                discharge_summary=data["discharge_summary"],
                note=data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Status changed to %(status)s.") % {"status": Client.Status(data["to_status"]).label})
            return redirect("clients:detail", client_id=client.pk)
    return render(request, "clients/status.html", {"client": client, "form": form})


def _edit_client_record(request, *, client, form_class, save, template, instance=None):
    """Add or edit one record that belongs to a client (a contact, a dependant)."""
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            save(
                client=client,
                by=request.user,
                values=form.values(),
                record=instance,
                expected_version=form.expected_version,
            )
        except services.ConcurrentEditError as error:
            form.add_error(None, error.user_message)
        else:
            messages.success(request, _("Saved."))
            return redirect("clients:detail", client_id=client.pk)
    return render(request, template, {"client": client, "form": form, "record": instance})


@login_required
@require_http_methods(["GET", "POST"])
def contact_add(request, client_id):
    client = selectors.get_client_for_user(request.user, client_id, summary="people around the client")
    return _edit_client_record(
        request, client=client, form_class=ContactForm, save=services.contact_save,
        template="clients/contact_form.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request, contact_id):
    contact = selectors.get_client_record_for_user(request.user, ClientContact, contact_id)
    return _edit_client_record(
        request, client=contact.client, form_class=ContactForm, save=services.contact_save,
        template="clients/contact_form.html", instance=contact,
    )


@login_required
@require_http_methods(["GET", "POST"])
def dependant_add(request, client_id):
    client = selectors.get_client_for_user(request.user, client_id, summary="dependants")
    return _edit_client_record(
        request, client=client, form_class=DependantForm, save=services.dependant_save,
        template="clients/dependant_form.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def dependant_edit(request, dependant_id):
    dependant = selectors.get_client_record_for_user(request.user, Dependant, dependant_id)
    return _edit_client_record(
        request, client=dependant.client, form_class=DependantForm, save=services.dependant_save,
        template="clients/dependant_form.html", instance=dependant,
    )


@login_required
def access_history(request, client_id):
    client = selectors.get_client_for_user(request.user, client_id, summary="access history")
    if not request.user.can_read_access_history:
        raise PermissionDenied
    events = AuditEvent.objects.for_client(client).select_related("actor")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "clients/access_history.html", {"client": client, "page": page})
