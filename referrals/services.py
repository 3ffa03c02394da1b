"""Referral workflows: consent-checked sending, the status history, partner links, letters and emails.

Every path that lets client information leave the agency (sending, the partner link, the letter PDF,
the email) asks `consent_for` at that moment, shares only `disclosed_items`, and writes a Disclosure.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseload import audit
from clients.models import Client, Consent
from referrals.models import (
    PARTNER_STATUSES,
    CloseReason,
    Disclosure,
    PartnerLink,
    Referral,
    ReferralEmail,
    ReferralEvent,
    ReferralLetter,
    Service,
    SharedItem,
    Status,
    hash_token,
)

PARTNER_LINK_DAYS = 14


class ConsentRequired(Exception):
    """No consent in force covers the receiving organization: nothing may be shared."""

    def __init__(self, referral: Referral):
        self.referral = referral
        super().__init__(_("No consent in force covers %(organization)s. Record the client's consent first.")
                         % {"organization": referral.service.organization.name})


class StaleReferral(Exception):
    """Someone else changed the referral after this page was opened."""


class NotAllowed(ValueError):
    pass


# --- consent ---------------------------------------------------------------------------------------


def consent_for(referral: Referral, *, on: datetime | None = None) -> Consent | None:
    """The consent in force that covers the referral's organization, the one lasting longest."""
    return (
        Consent.objects.in_force(on)
        .filter(client_id=referral.client_id, organization_id=referral.service.organization_id)
        .order_by("-valid_until", "-signed_at")
        .first()
    )


def disclosed_items(referral: Referral, consent: Consent) -> list[str]:
    """What may go: what the referral shares and the consent covers; substance use only when it says so."""
    allowed = set(consent.items) | ({SharedItem.SUBSTANCE_USE.value} if consent.covers_substance_use else set())
    return [item for item in SharedItem.values if item in referral.shared_items and item in allowed]


@dataclass(frozen=True)
class SharedRecord:
    """Exactly what a recipient reads: built from the consent, never from the whole record."""

    referral: Referral
    consent: Consent
    items: list[str]
    client: Client | None
    goal: object | None
    risk_flags: list
    results: list
    substance_use_results: list

    @property
    def redisclosure_notice(self) -> bool:
        return SharedItem.SUBSTANCE_USE in self.items

    @property
    def item_labels(self) -> list[str]:
        labels = dict(SharedItem.choices)
        return [str(labels[item]) for item in self.items]


def shared_record(referral: Referral, consent: Consent) -> SharedRecord:
    from assessments.models import InstrumentResponse, RiskFlag

    items = disclosed_items(referral, consent)
    results = substance = []
    if SharedItem.ASSESSMENTS in items or SharedItem.SUBSTANCE_USE in items:
        latest = list(
            InstrumentResponse.objects.filter(client_id=referral.client_id, complete=True)
            .latest_per_instrument().order_by("instrument")
        )
        results = [r for r in latest if not r.protected_substance_use] if SharedItem.ASSESSMENTS in items else []
        substance = [r for r in latest if r.protected_substance_use] if SharedItem.SUBSTANCE_USE in items else []
    flags = []
    if SharedItem.MENTAL_HEALTH in items:
        flags = list(RiskFlag.objects.filter(client_id=referral.client_id, cleared_at__isnull=True))
    return SharedRecord(
        referral=referral, consent=consent, items=items,
        client=referral.client if SharedItem.CONTACT in items else None,
        goal=referral.goal if SharedItem.GOAL in items and referral.goal_id else None,
        risk_flags=flags, results=results, substance_use_results=substance,
    )


def disclosure_record(*, referral: Referral, consent: Consent, channel: str, by=None, recipient: str = "") -> Disclosure:
    items = disclosed_items(referral, consent)
    disclosure = Disclosure(
        client_id=referral.client_id, referral=referral, consent=consent,
        recipient=recipient or referral.service.organization.name, channel=channel, items=items,
        redisclosure_notice=SharedItem.SUBSTANCE_USE in items, disclosed_by=by,
    )
    disclosure.full_clean()
    disclosure.save()
    return disclosure


@transaction.atomic
def consent_create(*, client: Client, by, values: dict) -> Consent:
    consent = Consent(client=client, created_by=by, **values)
    consent.full_clean()
    consent.save()
    return consent


@transaction.atomic
def consent_sign(*, consent: Consent, witness, printed_name: str, image) -> Consent:
    """The client's signature from the tablet, over the SHA-256 of what the consent says."""
    from assessments.services import content_hash

    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    if locked.signed_at or locked.revoked_at:
        raise NotAllowed(_("This consent is already signed or revoked."))
    locked.signed_at = timezone.now()
    locked.printed_name = printed_name
    locked.image_svg = image.svg
    locked.image_png = image.png
    locked.witnessed_by = witness
    locked.content_hash = content_hash(locked.content())
    locked.save()
    return locked


@transaction.atomic
def consent_revoke(*, consent: Consent, by, reason: str) -> Consent:
    """Revoked at once: partner links given under it stop working with it."""
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    if locked.revoked_at:
        return locked
    locked.revoked_at = timezone.now()
    locked.revoked_by = by
    locked.revoke_reason = reason
    locked.save()
    PartnerLink.objects.filter(
        referral__consent=locked, revoked_at__isnull=True, used_at__isnull=True,
    ).update(revoked_at=locked.revoked_at)
    return locked


# --- referrals -------------------------------------------------------------------------------------


@transaction.atomic
def referral_create(*, client: Client, service: Service, by, reason: str, urgency: str, shared_items: list[str],
                    goal=None) -> Referral:
    referral = Referral(client=client, service=service, goal=goal, reason=reason, urgency=urgency,
                        shared_items=list(shared_items), created_by=by)
    referral.full_clean()
    referral.save()
    _event(referral, from_status="", to_status=Status.DRAFT, by=by)
    return referral


def _event(referral: Referral, *, from_status: str, to_status: str, by=None, partner: str = "", note: str = "",
           close_reason: str = "", appointment_at=None) -> ReferralEvent:
    event = ReferralEvent(
        referral=referral, client_id=referral.client_id, from_status=from_status, to_status=to_status, note=note,
        close_reason=close_reason, appointment_at=appointment_at, by_user=by, by_partner=partner,
    )
    event.full_clean()
    event.save()
    return event


def _locked(referral: Referral, version: int | None) -> Referral:
    locked = Referral.objects.select_for_update().select_related("service__organization").get(pk=referral.pk)
    if version is not None and locked.version != version:
        raise StaleReferral()
    return locked


def _move(locked: Referral, to_status: str, **event) -> Referral:
    from_status = locked.status
    locked.status = to_status
    locked.status_changed_at = timezone.now()
    if event.get("appointment_at"):
        locked.appointment_at = event["appointment_at"]
    locked.version += 1
    locked.save()
    _event(locked, from_status=from_status, to_status=to_status, **event)
    return locked


@transaction.atomic
def referral_send(*, referral: Referral, by, version: int | None = None) -> Referral:
    """Send a draft: refused unless a consent in force covers the organization; the sending is a disclosure."""
    locked = _locked(referral, version)
    if locked.status != Status.DRAFT:
        raise NotAllowed(_("Only a draft referral can be sent."))
    if not locked.service.accepts_referrals:
        raise NotAllowed(_("%(service)s does not accept referrals now.") % {"service": locked.service.name})
    consent = consent_for(locked)
    if consent is None:
        raise ConsentRequired(locked)
    locked.consent = consent
    _move(locked, Status.SENT, by=by)
    disclosure_record(referral=locked, consent=consent, channel=Disclosure.Channel.REFERRAL, by=by)
    return locked


@transaction.atomic
def referral_set_status(*, referral: Referral, to_status: str, by=None, partner: str = "", note: str = "",
                        close_reason: str = "", appointment_at=None, version: int | None = None) -> Referral:
    locked = _locked(referral, version)
    if to_status not in locked.next_statuses:
        raise NotAllowed(_("A referral that is %(status)s cannot become %(to)s.") % {
            "status": locked.get_status_display().lower(), "to": Status(to_status).label.lower()})
    if partner and to_status not in PARTNER_STATUSES:
        raise NotAllowed(_("That step is for the case manager."))
    errors = {}
    if to_status == Status.DECLINED and not note.strip():
        errors["note"] = _("Say why the referral is declined.")
    if to_status == Status.CLOSED and not close_reason:
        errors["close_reason"] = _("Say why the referral is closed.")
    if to_status == Status.CLOSED and close_reason == CloseReason.OTHER and not note.strip():
        errors["note"] = _("Describe the reason.")
    if to_status == Status.APPOINTMENT_SET and not appointment_at:
        errors["appointment_at"] = _("Give the date and time of the appointment.")
    if errors:
        raise ValidationError(errors)
    return _move(locked, to_status, by=by, partner=partner, note=note, close_reason=close_reason,
                 appointment_at=appointment_at)


@transaction.atomic
def referral_reopen(*, referral: Referral, by, note: str = "", version: int | None = None) -> Referral:
    """A declined, completed or closed referral goes back to draft: it is sent again, consent checked again."""
    locked = _locked(referral, version)
    if not locked.can_reopen:
        raise NotAllowed(_("Only a declined, completed or closed referral can be re-opened."))
    PartnerLink.objects.filter(referral=locked, revoked_at__isnull=True, used_at__isnull=True).update(
        revoked_at=timezone.now())
    return _move(locked, Status.DRAFT, by=by, note=note or _("Re-opened"))


# --- partner links ---------------------------------------------------------------------------------


@transaction.atomic
def partner_link_create(*, referral: Referral, by) -> tuple[PartnerLink, str]:
    """A new one-time link (earlier unused ones are revoked). The token is returned once and never stored."""
    if not referral.is_open:
        raise NotAllowed(_("A link is given only for a referral that has been sent and is still open."))
    if consent_for(referral) is None:
        raise ConsentRequired(referral)
    now = timezone.now()
    PartnerLink.objects.filter(referral=referral, revoked_at__isnull=True, used_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    link = PartnerLink(
        referral=referral, client_id=referral.client_id, token_hash=hash_token(token),
        expires_at=now + timedelta(days=getattr(settings, "REFERRAL_PARTNER_LINK_DAYS", PARTNER_LINK_DAYS)),
        created_by=by,
    )
    link.save()
    return link, token


@transaction.atomic
def partner_link_revoke(*, link: PartnerLink) -> None:
    PartnerLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit.record(action="update", client_id=link.client_id, obj=link, summary="partner link revoked")


def partner_link_for_token(token: str) -> tuple[PartnerLink | None, Consent | None]:
    """The link and the consent it works under, or (None, None) when it is unknown, used, expired or revoked,
    or the consent has ended since. All four look the same to the visitor."""
    link = (
        PartnerLink.objects.select_related("referral__service__organization", "referral__client", "referral__goal")
        .filter(token_hash=hash_token(token or "")).first()
    )
    if link is None or not link.is_usable:
        return None, None
    consent = consent_for(link.referral)
    if consent is None:
        return None, None
    return link, consent


def partner_name(link: PartnerLink) -> str:
    return f"{link.referral.service.organization.name} (partner link)"[:150]


def partner_link_opened(*, link: PartnerLink, consent: Consent) -> None:
    """Each opening shows client information: it is audited and logged as a disclosure."""
    audit.record(action="view", client_id=link.client_id, obj=link.referral, summary="referral (partner link)",
                 actor_name=partner_name(link))
    disclosure_record(referral=link.referral, consent=consent, channel=Disclosure.Channel.PARTNER_LINK)


@transaction.atomic
def partner_update(*, token: str, to_status: str, appointment_at=None, note: str = "", name: str = "") -> Referral:
    """The receiving organization's answer: uses the link up (one time), then moves the referral."""
    link = PartnerLink.objects.select_for_update().filter(token_hash=hash_token(token or "")).first()
    if link is None or not link.is_usable or consent_for(link.referral) is None:
        raise NotAllowed(_("This link no longer works."))
    organization = link.referral.service.organization.name
    who = f"{name.strip()} ({organization})" if name.strip() else organization
    referral = referral_set_status(referral=link.referral, to_status=to_status, partner=who[:200], note=note,
                                   appointment_at=appointment_at)
    link.used_at = timezone.now()
    link.save()
    return referral


# --- the letter and its email ----------------------------------------------------------------------


def letter_queue(*, referral: Referral, by) -> ReferralLetter:
    """Queue the letter PDF (made again if it exists). Refused without a consent: the letter carries data."""
    from referrals.tasks import render_referral_letter

    if consent_for(referral) is None:
        raise ConsentRequired(referral)
    with transaction.atomic():
        letter, _created = ReferralLetter.objects.select_for_update().get_or_create(referral=referral)
        letter.status = ReferralLetter.Status.QUEUED
        letter.attempts = 0
        letter.error = ""
        letter.queued_at = timezone.now()
        letter.save()
        audit.record(action="create", client_id=referral.client_id, obj=referral, summary="referral letter queued")
        transaction.on_commit(lambda: render_referral_letter.delay(letter.pk), robust=True)
    return letter


def email_queue(*, referral: Referral, by, to: str, request_key: str) -> tuple[ReferralEmail, bool]:
    """Queue one email of the letter. `request_key` (from the form) makes a double submit one email."""
    from referrals.tasks import send_referral_email

    if consent_for(referral) is None:
        raise ConsentRequired(referral)
    with transaction.atomic():
        email, created = ReferralEmail.objects.get_or_create(
            key=f"{referral.pk}:{request_key}"[:120], defaults={"referral": referral, "to": to, "queued_by": by},
        )
        if created:
            audit.record(action="create", client_id=referral.client_id, obj=referral,
                         summary="referral letter email queued")
            transaction.on_commit(lambda: send_referral_email.delay(email.pk), robust=True)
    return email, created
