from django.urls import path

from caseload import views

app_name = "caseload"

urlpatterns = [
    path("", views.home, name="home"),
    path("clients/<uuid:client_id>/assign/", views.assign, name="assign"),
    path("notices/<int:notice_id>/read/", views.notice_read, name="notice_read"),
]
