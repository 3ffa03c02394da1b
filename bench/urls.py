"""The app's URLs plus a floor page: what a logged-in request costs before any page does real work."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path


@login_required
def floor(request):
    """One query, no template: the least a signed-in page can cost."""
    teams = request.user.teams.count()
    return HttpResponse(f"{teams}", content_type="text/plain")


urlpatterns = [
    path("bench/floor/", floor, name="bench-floor"),
    path("", include("caseload.urls")),
]
