"""Writing progress notes: drafts saved as the case manager types, signing, addenda."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.services import content_hash
from careplans.models import CarePlan, Goal
from caseload.models import AgencySettings, NoteAddendum, NoteGoal, NoteLocked, ProgressNote
from clients.services import ConcurrentEditError

# A contact can be written up a little ahead of the clock (a visit that ends in a few minutes), no more.
FUTURE_TOLERANCE = timedelta(minutes=15)


def addressable_goals(client) -> list[Goal]:
    """The goals a note can say it addressed: those of the client's plan in force."""
    return list(
        Goal.objects.filter(plan__client=client, plan__status=CarePlan.Status.ACTIVE).order_by("position")
    )


def _check_values(values: dict) -> None:
    contact_at = values.get("contact_at")
    if contact_at and contact_at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError({"contact_at": _("The contact cannot be in the future.")})


@transaction.atomic
def note_create(*, client, by, values: dict, goal_ids: list = ()) -> ProgressNote:
    """A new draft (the first save of a note, by hand or automatically)."""
    _check_values(values)
    note = ProgressNote(client=client, author=by, updated_by=by, **values)
    note.full_clean()
    note.save()
    _set_goals(note, client, goal_ids)
    return note


@transaction.atomic
def note_save_draft(*, note: ProgressNote, by, expected_version: int, values: dict, goal_ids: list = ()) -> ProgressNote:
    """Save what is typed. Refused once signed, or when someone saved in between."""
    locked = ProgressNote.objects.select_for_update().get(pk=note.pk)
    if locked.is_signed:
        raise NoteLocked
    if locked.version != expected_version:
        raise ConcurrentEditError(locked)
    if locked.author_id != by.pk:
        raise ValidationError(_("Only the author, %(name)s, can change this note.") % {"name": locked.author.display_name})
    _check_values(values)
    for name, value in values.items():
        setattr(locked, name, value)
    locked.updated_by = by
    locked.version += 1
    locked.full_clean()
    locked.save()
    _set_goals(locked, locked.client, goal_ids)
    return locked


def _set_goals(note: ProgressNote, client, goal_ids) -> None:
    allowed = {str(goal.pk) for goal in addressable_goals(client)}
    chosen = {str(pk) for pk in goal_ids}
    if chosen - allowed:
        raise ValidationError({"goals": _("Choose goals of the client's care plan in force.")})
    current = {str(pk) for pk in NoteGoal.objects.filter(note=note).values_list("goal_id", flat=True)}
    NoteGoal.objects.filter(note=note, goal_id__in=current - chosen).delete()
    NoteGoal.objects.bulk_create([NoteGoal(note=note, goal_id=pk) for pk in chosen - current])


def note_content(note: ProgressNote, goal_ids) -> dict:
    """What the signature covers."""
    return {
        "note": str(note.pk),
        "client": str(note.client_id),
        "author": note.author_id,
        **{name: str(getattr(note, name)) if getattr(note, name) is not None else None
           for name in ProgressNote.CONTENT_FIELDS},
        "goals": sorted(str(pk) for pk in goal_ids),
    }


def missing_for_signing(note: ProgressNote) -> dict[str, str]:
    """A signed note must say something: the three DAP parts, or the free text."""
    missing = {}
    if note.format == ProgressNote.Format.DAP:
        for name in ("data", "assessment", "plan"):
            if not getattr(note, name).strip():
                missing[name] = _("Write this part before signing.")
    elif not note.free_text.strip():
        missing["free_text"] = _("Write the note before signing.")
    return missing


@transaction.atomic
def note_sign(*, note: ProgressNote, by, expected_version: int) -> ProgressNote:
    """The author signs: the note is final from now on, and late if signed long after the contact."""
    locked = ProgressNote.objects.select_for_update().select_related("client").get(pk=note.pk)
    if locked.is_signed:
        raise NoteLocked
    if locked.version != expected_version:
        raise ConcurrentEditError(locked)
    if locked.author_id != by.pk:
        raise ValidationError(_("Only the author, %(name)s, can sign this note.") % {"name": locked.author.display_name})
    missing = missing_for_signing(locked)
    if missing:
        raise ValidationError(missing)
    now = timezone.now()
    hours = AgencySettings.load().late_entry_hours
    goal_ids = list(NoteGoal.objects.filter(note=locked).values_list("goal_id", flat=True))
    locked.status = ProgressNote.Status.SIGNED
    locked.signed_at = now
    locked.signed_name = by.display_name
    locked.signed_role = by.job_title or str(by.get_role_display())
    locked.late_entry = now - locked.contact_at > timedelta(hours=hours)
    locked.content_hash = content_hash(note_content(locked, goal_ids))
    locked.updated_by = by
    locked.version += 1
    locked.save()
    if locked.follow_up_on:
        from caseload.reminders import reminder_add

        reminder_add(
            kind="follow_up", client=locked.client, due_on=locked.follow_up_on,
            title=_("Follow up: %(steps)s") % {"steps": (locked.next_steps or locked.plan or "")[:150]},
            subject_type="caseload.ProgressNote", subject_id=str(locked.pk), assignee=by,
        )
    return locked


@transaction.atomic
def note_add_addendum(*, note: ProgressNote, by, text: str) -> NoteAddendum:
    if not note.is_signed:
        raise ValidationError(_("A draft is corrected by editing it; addenda are for signed notes."))
    addendum = NoteAddendum(note=note, client_id=note.client_id, author=by, text=text.strip())
    addendum.full_clean()
    addendum.save()
    return addendum
