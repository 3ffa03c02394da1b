"""The audit trail: who read or changed which client's data, when, and from where.

Writes are caught for every model that mixes in `Audited`, whatever path saved it (a view, the
admin, a task, a shell). Reads are recorded where client data is opened: the scoping helpers in
clients.selectors call `audit_read`. The actor and address come from the request through a context
variable set by `caseload.middleware.AuditContextMiddleware`; tasks run as "system".
"""

from __future__ import annotations

import contextvars
import datetime
import decimal
import uuid
from dataclasses import dataclass

from django.db import router, transaction
from django.db.models.signals import post_delete, post_save

_context: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar("audit_context", default=None)

# Fields that change on every save and say nothing about what was done.
_IGNORED_FIELDS = {"updated_at", "version", "updated_by_id"}


@dataclass(frozen=True)
class AuditContext:
    actor: object | None
    remote_addr: str | None
    user_agent: str


def set_context(*, actor, remote_addr: str | None, user_agent: str = "") -> contextvars.Token:
    return _context.set(AuditContext(actor=actor, remote_addr=remote_addr, user_agent=user_agent[:300]))


def reset_context(token: contextvars.Token) -> None:
    _context.reset(token)


def current_actor():
    context = _context.get()
    actor = context.actor if context else None
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


class Audited:
    """Mixin for models that hold client data: every create and change is written to the audit trail.

    `audit_client_field` names the foreign key to the client (None on the Client model itself).
    """

    audit_client_field: str | None = "client"

    @classmethod
    def from_db(cls, db, field_names, values):
        # Keep what was loaded as it came; the snapshot is built only if the instance is saved.
        instance = super().from_db(db, field_names, values)
        instance._audit_loaded = dict(zip(field_names, values, strict=True))
        return instance

    def save(self, *args, **kwargs):
        # The entry is written by post_save: one transaction holds both, so a change whose entry
        # cannot be written is not kept, whoever saves (a view, the admin, a task, a shell).
        with transaction.atomic(using=self._audit_database(kwargs), savepoint=False):
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with transaction.atomic(using=self._audit_database(kwargs), savepoint=False):
            return super().delete(*args, **kwargs)

    def _audit_database(self, kwargs) -> str:
        return kwargs.get("using") or router.db_for_write(type(self), instance=self)

    def audit_client_id(self):
        if self.audit_client_field is None:
            return self.pk
        return getattr(self, f"{self.audit_client_field}_id")


# Longer values (a signature image) are recorded by size: the record itself keeps them.
_MAX_RECORDED_CHARS = 2000


def _plain(value):
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time, uuid.UUID, decimal.Decimal)):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return f"<{len(value)} bytes>"
    if isinstance(value, str) and len(value) > _MAX_RECORDED_CHARS:
        return f"<{len(value)} characters>"
    return value


def _snapshot(instance) -> dict:
    """The instance's loaded field values (a deferred field is left out rather than fetched)."""
    loaded = instance.__dict__
    return {
        field.attname: _plain(loaded[field.attname])
        for field in instance._meta.concrete_fields
        if field.attname in loaded
    }


def _diff(before: dict | None, after: dict) -> dict:
    if before is None:
        return {key: [None, value] for key, value in after.items() if value not in (None, "") and key not in _IGNORED_FIELDS}
    return {
        key: [before.get(key), value]
        for key, value in after.items()
        if key in before and before[key] != value and key not in _IGNORED_FIELDS
    }


def record(
    *,
    action: str,
    client_id=None,
    obj=None,
    summary: str = "",
    changes: dict | None = None,
    actor=None,
    actor_name: str = "",
) -> None:
    """Append one entry. Called inside the transaction of the change it describes.

    `actor_name` names who acted without an account (a partner organization through its link).
    """
    from caseload.models import AuditEvent

    context = _context.get()
    actor = actor if actor is not None else current_actor()
    AuditEvent.objects.create(
        actor=actor,
        actor_name=actor.display_name if actor is not None else (actor_name or "system"),
        action=action,
        client_id=client_id,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300],
        changes=changes or {},
        remote_addr=context.remote_addr if context else None,
        user_agent=context.user_agent if context else "",
    )


def audit_read(*, client_id, obj=None, summary: str = "", action: str = "view", actor=None) -> None:
    record(action=action, client_id=client_id, obj=obj, summary=summary, actor=actor)


def _on_save(sender, instance, created, raw=False, **kwargs):
    if raw:  # loading fixtures
        return
    after = _snapshot(instance)
    loaded = None if created else getattr(instance, "_audit_loaded", None)
    before = None if loaded is None else {name: _plain(value) for name, value in loaded.items()}
    changes = _diff(before, after)
    instance._audit_loaded = dict(after)
    if not created and before is not None and not changes:
        return
    record(
        action="create" if created else "update",
        client_id=instance.audit_client_id(),
        obj=instance,
        summary=f"{instance._meta.verbose_name}",
        changes=changes,
    )


def _on_delete(sender, instance, **kwargs):
    """Only drafts lose rows (a goal taken out of a draft plan); what was there is kept in the entry."""
    record(
        action="delete",
        client_id=instance.audit_client_id(),
        obj=instance,
        summary=f"{instance._meta.verbose_name}",
        changes={name: [value, None] for name, value in _snapshot(instance).items()},
    )


def connect_audited_models() -> None:
    from django.apps import apps

    for model in apps.get_models():
        if issubclass(model, Audited):
            post_save.connect(_on_save, sender=model, dispatch_uid=f"audit-{model._meta.label}")
            post_delete.connect(_on_delete, sender=model, dispatch_uid=f"audit-delete-{model._meta.label}")
