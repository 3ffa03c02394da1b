from django.contrib import admin

from caseload.admin import AuditedReadAdmin
from clients.models import Client


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
