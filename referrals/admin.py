from django.contrib import admin

from referrals.models import Location, Organization, Service


class ServiceInline(admin.StackedInline):
    model = Service
    extra = 0
    fields = ["hsds_id", "name", "category", "description", "eligibility", "languages", "opening_hours", "phone",
              "email", "website", "location", "accepts_referrals"]


class LocationInline(admin.TabularInline):
    model = Location
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    """Administrators keep the directory current here, or load an HSDS file from the directory page."""

    list_display = ["name", "email", "website"]
    search_fields = ["name", "hsds_id"]
    inlines = [LocationInline, ServiceInline]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "category", "accepts_referrals"]
    list_filter = ["category", "accepts_referrals"]
    search_fields = ["name", "organization__name"]
    list_select_related = ["organization"]

    def save_model(self, request, obj, form, change):
        obj.refresh_search_text()
        super().save_model(request, obj, form, change)
