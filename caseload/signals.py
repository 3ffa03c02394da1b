"""Sign-ins and sign-outs go to the audit trail (they are who-accessed-what evidence)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from caseload import audit


@receiver(user_logged_in, dispatch_uid="audit-login")
def audit_login(sender, request, user, **kwargs):
    audit.record(action="login", actor=user, summary="signed in")


@receiver(user_logged_out, dispatch_uid="audit-logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(action="logout", actor=user, summary="signed out")


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    # The username is not stored: a mistyped password is often typed into the username field.
    audit.record(action="login_failed", summary="failed sign-in")
