from django.contrib import admin
from django.db import models

from referrals.models import Location, Organization, Service

# A website typed without its scheme ("bolig.example") is stored as https://, what services publish today
# (Django's forms assume http:// until Django 6.0, and warn).
WEBSITES = {models.URLField: {"assume_scheme": "https"}}


class ServiceInline(admin.StackedInline):
    model = Service
    extra = 0
    formfield_overrides = WEBSITES
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
    formfield_overrides = WEBSITES


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "category", "accepts_referrals"]
    list_filter = ["category", "accepts_referrals"]
    search_fields = ["name", "organization__name"]
    list_select_related = ["organization"]
    formfield_overrides = WEBSITES

    def save_model(self, request, obj, form, change):
        obj.refresh_search_text()
        super().save_model(request, obj, form, change)
