from django.urls import path

from caseload import profile_views, reminder_views, views

app_name = "caseload"

urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", profile_views.profile, name="profile"),
    path("language/", profile_views.language_switch, name="language"),
    path("clients/<uuid:client_id>/assign/", views.assign, name="assign"),
    path("notices/<int:notice_id>/read/", views.notice_read, name="notice_read"),
    path("tasks/", reminder_views.task_list, name="tasks"),
    path("tasks/<int:reminder_id>/done/", reminder_views.reminder_done, name="reminder_done"),
    path("tasks/<int:reminder_id>/snooze/", reminder_views.reminder_snooze_view, name="reminder_snooze"),
    path("tasks/<int:reminder_id>/dismiss/", reminder_views.reminder_dismiss_view, name="reminder_dismiss"),
]
