"""A case manager's caseload seen by their supervisor, moving clients with a preview, and acuity."""

from django.urls import path  # noqa: F401

app_name = "reassignment"

urlpatterns: list = []
