"""Sign-ins and sign-outs go to the audit trail (they are who-accessed-what evidence); changes of a
team's people move the version that cached team lists are filed under. Sessions are stamped at
sign-in, and end at once when their user is deactivated, however that happens (admin, shell, code)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from caseload import audit, two_factor
from caseload.models import Team, User


@receiver(user_logged_in, dispatch_uid="audit-login")
def audit_login(sender, request, user, **kwargs):
    audit.record(action="login", actor=user, summary="signed in")
    if request is not None and hasattr(request, "session"):
        two_factor.session_started(request.session)


@receiver(user_locked_out, dispatch_uid="audit-locked-out")
def audit_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    audit.record(action="login_failed", summary="sign-in refused: too many failed attempts")


@receiver(post_save, sender=User, dispatch_uid="deactivated-user-sessions-end")
def deactivated_user_sessions_end(sender, instance, raw=False, **kwargs):
    if not raw and not instance.is_active:
        two_factor.sessions_end_for(instance)


@receiver(user_logged_out, dispatch_uid="audit-logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(action="logout", actor=user, summary="signed out")


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    # The username is not stored: a mistyped password is often typed into the username field.
    audit.record(action="login_failed", summary="failed sign-in")


@receiver(m2m_changed, sender=Team.supervisors.through, dispatch_uid="team-supervisors-changed")
@receiver(m2m_changed, sender=Team.members.through, dispatch_uid="team-members-changed")
@receiver(post_delete, sender=Team, dispatch_uid="team-deleted")
def team_membership_changed(sender, action="post_delete", **kwargs):
    """Who sees which clients follows team membership: drop every cached team list at once."""
    if action in ("post_add", "post_remove", "post_clear", "post_delete"):
        Team.membership_changed()
        transaction.on_commit(Team.membership_changed)  # and again, past anything cached meanwhile
