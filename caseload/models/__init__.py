"""The caseload app's models: staff and teams, progress notes, reminders."""
# isort: skip_file
# Staff first: the notes import the clients app, which imports Team and AgencySettings from here.

from caseload.models.staff import (
    AcuityRating,
    AgencySettings,
    AuditChainHead,
    Assignment,
    AuditEvent,
    AuditEventQuerySet,
    Notice,
    NoticeQuerySet,
    OutboxMessage,
    Role,
    SupervisionReport,
    Team,
    TeamSnapshot,
    User,
)
from caseload.models.notes import NoteAddendum, NoteGoal, NoteLocked, ProgressNote
from caseload.models.reminders import DigestDelivery, Reminder

__all__ = [
    "AcuityRating", "AgencySettings", "AuditChainHead", "SupervisionReport", "TeamSnapshot", "Assignment", "AuditEvent", "AuditEventQuerySet", "DigestDelivery", "NoteAddendum",
    "NoteGoal", "NoteLocked", "Notice", "NoticeQuerySet", "OutboxMessage", "ProgressNote", "Reminder", "Role", "Team", "User",
]
