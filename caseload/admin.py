from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from caseload import audit, two_factor
from caseload.models import AgencySettings, AuditEvent, OutboxMessage, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "fte", "is_active"]
    list_filter = ["role", "is_active", "teams"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Caseload"), {"fields": ["role", "job_title", "fte"]}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("Caseload"), {"fields": ["first_name", "last_name", "email", "role", "job_title", "fte"]}),
    )

    # Roles and passwords decide who sees which clients: the administrator types their password again
    # (within REAUTHENTICATE_MINUTES) before opening the pages that change them.
    def _password_again(self, request):
        if two_factor.password_recently_confirmed(request):
            return None
        return redirect(two_factor.confirm_password_url(request.get_full_path()))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._password_again(request) or super().change_view(request, object_id, form_url, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        return self._password_again(request) or super().add_view(request, form_url, extra_context)

    def user_change_password(self, request, id, form_url=""):
        return self._password_again(request) or super().user_change_password(request, id, form_url)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "target_ratio"]
    filter_horizontal = ["supervisors", "members"]


@admin.register(AgencySettings)
class AgencySettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not AgencySettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail, to read: no one adds, changes or deletes an entry here."""

    list_display = ["at", "actor_name", "action", "client", "object_type", "summary", "remote_addr"]
    list_filter = ["action"]
    list_select_related = ["client"]
    search_fields = ["actor_name", "summary", "client__client_number"]
    date_hierarchy = "at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}


class AuditedReadAdmin(admin.ModelAdmin):
    """Client data read through the admin is audited like anywhere else."""

    def changelist_view(self, request, extra_context=None):
        audit.record(action="list", summary=f"admin {self.opts.verbose_name_plural}")
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None:
            audit.audit_read(client_id=obj.audit_client_id(), obj=obj, summary=f"admin {self.opts.verbose_name}")
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Work waiting for the broker (sent_at empty) and what was sent: to read, not to edit."""

    list_display = ["created_at", "task_name", "sent_at", "attempts", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter), "task_name"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
