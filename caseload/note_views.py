"""Progress note pages: record a contact, keep the draft as it is typed, sign, add addenda, the timeline."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from careplans.models import Goal
from caseload import notes
from caseload.models import NoteAddendum, NoteGoal, NoteLocked, ProgressNote, User
from caseload.note_forms import AddendumForm, NoteForm, TimelineFilterForm
from clients.selectors import get_client_for_user, get_client_record_for_user
from clients.services import ConcurrentEditError

TIMELINE_PAGE_SIZE = 20
# The columns a timeline row shows (caseload.templatetags.note_rows), and its author's name.
TIMELINE_COLUMNS = [
    "contact_at", "duration_minutes", "contact_type", "location", "format", "data", "free_text",
    "status", "late_entry", *User.name_fields("author"),
]


def _now_rounded():
    now = timezone.localtime().replace(second=0, microsecond=0)
    return now - timedelta(minutes=now.minute % 5)


@login_required
@require_http_methods(["GET", "POST"])
def note_new(request, client_id):
    """One click from My caseload: an empty note, ready to type; the first save makes the draft."""
    client = get_client_for_user(request.user, client_id, summary="progress note (new)")
    goals = notes.addressable_goals(client)
    initial = {"contact_at": _now_rounded(), "duration_minutes": 30, "contact_type": request.GET.get("type") or "home_visit",
               "format": ProgressNote.Format.DAP}
    form = NoteForm(request.POST or None, goals=goals, initial=initial)
    return _save_or_render(request, form, client=client, note=None, goals=goals)


@login_required
@require_http_methods(["GET", "POST"])
def note_edit(request, note_id):
    note = get_client_record_for_user(request.user, ProgressNote, note_id, summary="progress note (edit)")
    if note.is_signed and request.headers.get("X-Autosave") == "1":
        return JsonResponse({"error": _("This note has been signed elsewhere: nothing more is saved here.")}, status=409)
    if note.is_signed:
        messages.error(request, _("This note is signed and cannot be changed. Add an addendum instead."))
        return redirect("notes:note", note_id=note.pk)
    goals = notes.addressable_goals(note.client)
    chosen = [str(pk) for pk in NoteGoal.objects.filter(note=note).values_list("goal_id", flat=True)]
    form = NoteForm(request.POST or None, instance=note, goals=goals, initial={"version": note.version, "goals": chosen})
    return _save_or_render(request, form, client=note.client, note=note, goals=goals)


def _save_or_render(request, form, *, client, note, goals):
    autosave = request.headers.get("X-Autosave") == "1"
    signing = "sign" in request.POST
    if request.method == "POST" and form.is_valid():
        try:
            # The draft is saved first, so that a refused signature loses nothing of what was typed.
            note = _save(request, form, client, note)
            if signing:
                note = notes.note_sign(note=note, by=request.user, expected_version=note.version)
        except ConcurrentEditError as error:
            if autosave:
                return JsonResponse({"error": error.user_message}, status=409)
            form.add_error(None, error.user_message)
        except NoteLocked:
            if autosave:
                return JsonResponse({"error": _("This note has been signed.")}, status=409)
            messages.error(request, _("This note was signed in the meantime: add an addendum instead."))
            return redirect("notes:note", note_id=note.pk)
        except ValidationError as error:
            if autosave:
                return JsonResponse({"error": " ".join(error.messages)}, status=400)
            _add_errors(form, error)
            if note is not None and note.pk and ProgressNote.objects.filter(pk=note.pk).exists():
                # Saved as a draft: the form now carries its version for the next save.
                form.data = form.data.copy()
                form.data["version"] = str(note.version)
        else:
            if autosave:
                return JsonResponse({
                    "version": note.version, "saved_at": date_format(timezone.localtime(), "TIME_FORMAT"),
                    "url": reverse("notes:edit", args=[note.pk]),
                })
            if signing:
                late = _(" It is marked as a late entry.") if note.late_entry else ""
                messages.success(request, _("Note signed. It can no longer be changed; corrections are addenda.") + late)
                return redirect("notes:note", note_id=note.pk)
            messages.success(request, _("Draft saved. You can finish it later from the client's notes."))
            return redirect("notes:edit", note_id=note.pk)
    elif autosave and request.method == "POST":
        return JsonResponse({"error": _("Not saved yet: a field needs correcting.")}, status=400)
    action = reverse("notes:edit", args=[note.pk]) if note and note.pk else reverse("notes:new", args=[client.pk])
    return render(
        request, "caseload/notes/note_form.html",
        {"client": client, "note": note, "form": form, "goals": goals, "action": action,
         "meaning": ProgressNote.SIGNING_MEANING},
    )


def _save(request, form, client, note):
    values, goal_ids = form.values(), form.cleaned_data["goals"]
    if note is None:
        return notes.note_create(client=client, by=request.user, values=values, goal_ids=goal_ids)
    return notes.note_save_draft(
        note=note, by=request.user, expected_version=form.cleaned_data["version"] or 0, values=values, goal_ids=goal_ids
    )


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def note_detail(request, note_id):
    note = get_client_record_for_user(request.user, ProgressNote, note_id, summary="progress note")
    goals, addenda = _goals_and_addenda(note)
    return render(
        request, "caseload/notes/note_detail.html",
        {"client": note.client, "note": note, "goals": goals, "addenda": addenda, "addendum_form": AddendumForm()},
    )


def _goals_and_addenda(note):
    """What the note's page shows under it: the goals' words, each addendum with its author's name (lazy)."""
    goals = Goal.objects.filter(note_links__note=note).only("client_words").order_by("position")
    addenda = (
        NoteAddendum.objects.filter(note=note).select_related("author")
        .only("created_at", "text", *User.name_fields("author"))
    )
    return goals, addenda


@login_required
@require_http_methods(["GET", "POST"])
def note_addendum(request, note_id):
    note = get_client_record_for_user(request.user, ProgressNote, note_id, summary="progress note addendum")
    if request.method != "POST":
        return redirect("notes:note", note_id=note.pk)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            notes.note_add_addendum(note=note, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Addendum added under the note."))
            return redirect("notes:note", note_id=note.pk)
    goals, addenda = _goals_and_addenda(note)
    return render(
        request, "caseload/notes/note_detail.html",
        {"client": note.client, "note": note, "goals": goals, "addenda": addenda, "addendum_form": form},
    )


@login_required
def timeline(request, client_id):
    """A client's notes, newest first, filtered by type, author, dates and goal; paginated."""
    client = get_client_for_user(request.user, client_id, summary="progress notes")
    all_notes = ProgressNote.objects.filter(client=client)
    authors = (
        User.objects.filter(pk__in=all_notes.values("author_id"))
        .only(*User.NAME_FIELDS).order_by("first_name", "last_name")
    )
    goal_choices, goal_versions = _goal_choices(client)
    form = TimelineFilterForm(request.GET or None, authors=authors, goals=goal_choices)
    shown = all_notes
    if form.is_valid():
        shown = _filtered(shown, form.cleaned_data, goal_versions)
    # Only what a row shows: the other parts of the note, the signature and its hash are for the note's own page.
    rows = (
        shown.select_related("author")
        .only(*TIMELINE_COLUMNS)
        .annotate(addendum_count=_addendum_count())
        .prefetch_related(Prefetch(
            "goal_links", queryset=NoteGoal.objects.select_related("goal").only("note", "goal__client_words", "goal__position")
        ))
        .order_by("-contact_at", "-created_at")
    )
    page = Paginator(rows, TIMELINE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "caseload/notes/timeline.html",
        {"client": client, "page": page, "form": form, "filters": f"&{query.urlencode()}" if query else "", "filtered": bool(query)},
    )


def _goal_choices(client) -> tuple[list[Goal], dict[str, list]]:
    """One entry per goal lineage, named as in its latest version; and each lineage's goals in every version."""
    latest, versions = {}, {}
    goals = Goal.objects.filter(plan__client=client).only("lineage", "client_words").order_by("plan__number", "position")
    for goal in goals:
        latest[goal.lineage] = goal
        versions.setdefault(str(goal.lineage), []).append(goal.pk)
    return list(latest.values()), versions


def _addendum_count():
    """A note's addenda, counted in the query of the page's notes (a subquery PostgreSQL runs for the 20 shown)."""
    addenda = NoteAddendum.objects.filter(note=OuterRef("pk")).order_by().values("note").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(addenda, output_field=IntegerField()), 0)


def _filtered(notes_qs, filters: dict, goal_versions: dict):
    if filters.get("contact_type"):
        notes_qs = notes_qs.filter(contact_type=filters["contact_type"])
    if filters.get("author"):
        notes_qs = notes_qs.filter(author_id=filters["author"])
    if filters.get("since"):
        notes_qs = notes_qs.filter(contact_at__date__gte=filters["since"])
    if filters.get("until"):
        notes_qs = notes_qs.filter(contact_at__date__lte=filters["until"])
    if filters.get("goal"):
        # EXISTS rather than a join and DISTINCT over every column of the note and its author; the lineage's
        # goals are those of the client's plans read for the choices (goals have no index by lineage alone).
        goal_ids = goal_versions.get(filters["goal"], [])
        notes_qs = notes_qs.filter(Exists(NoteGoal.objects.filter(note=OuterRef("pk"), goal_id__in=goal_ids)))
    return notes_qs

