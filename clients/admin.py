from django.contrib import admin

from caseload.admin import AuditedReadAdmin
from clients.models import Client, EmergencyAccess


@admin.register(Client)
class ClientAdmin(AuditedReadAdmin):
    """Administrators can look clients up here; the record is edited in the application, where its rules live."""

    list_display = ["client_number", "legal_family_name", "legal_given_name", "date_of_birth", "status", "case_manager", "team"]
    list_filter = ["status", "team"]
    search_fields = ["client_number", "legal_family_name", "legal_given_name"]
    list_select_related = ["case_manager", "team"]

    def get_queryset(self, request):
        return Client.objects.visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff


@admin.register(EmergencyAccess)
class EmergencyAccessAdmin(AuditedReadAdmin):
    """Every emergency opening, for an auditor: read-only, like the audit trail. Supervisors review them in the application."""

    list_display = ["granted_at", "user", "client", "reason", "expires_at", "reviewed_by", "reviewed_at"]
    list_filter = ["reviewed_at"]
    list_select_related = ["user", "client", "reviewed_by"]
    date_hierarchy = "granted_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff
