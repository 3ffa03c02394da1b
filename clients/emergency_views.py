"""Break-the-glass: opening a client outside one's caseload by stating a reason, and the supervisors'
review of those openings.

The grant itself is honoured in one place only, `Client.objects.visible_to`; these pages make and
review grants, and never show a client's record themselves.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from caseload import audit
from clients import services
from clients.forms import EmergencyAccessForm, EmergencyReviewForm
from clients.models import Client, EmergencyAccess
from clients.views import SEARCH_SESSION_KEY

PAGE_SIZE = 25


@login_required
@require_http_methods(["GET", "POST"])
def emergency_access(request):
    if request.user.is_administrator:
        messages.info(request, _("Administrators see every client: there is no need for emergency access."))
        return redirect("clients:list")
    # A client number typed in the client search, which found nothing in the caseload, comes along.
    searched = request.session.get(SEARCH_SESSION_KEY, "")
    form = EmergencyAccessForm(request.POST or None, initial={"client_number": searched if " " not in searched else ""})
    if request.method == "POST" and form.is_valid():
        client = form.client
        if Client.objects.visible_to(request.user).filter(pk=client.pk).exists():
            return redirect("clients:detail", client_id=client.pk)
        grant = services.emergency_access_grant(user=request.user, client=client, reason=form.cleaned_data["reason"])
        messages.warning(request, _(
            "Emergency access until %(time)s. This opening is marked in the audit trail, and the client's team "
            "supervisor has been told."
        ) % {"time": time_format(timezone.localtime(grant.expires_at), "TIME_FORMAT")})
        return redirect("clients:detail", client_id=client.pk)
    return render(request, "clients/emergency_access.html", {"form": form, "minutes": settings.EMERGENCY_ACCESS_MINUTES})


def _reviewable(user):
    """Emergency openings of the clients `user` supervises (an administrator: all), other than their own."""
    if not (user.is_supervisor or user.is_administrator):
        raise Http404("No such page")
    return EmergencyAccess.objects.filter(client__in=Client.objects.visible_to(user)).exclude(user=user)


@login_required
def emergency_reviews(request):
    show_all = request.GET.get("show") == "all"
    grants = _reviewable(request.user).select_related("user", "client", "reviewed_by")
    if not show_all:
        grants = grants.unreviewed()
    page = Paginator(grants.order_by("-granted_at", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(action="list", summary=f"emergency access reviews, page {page.number}, {len(page.object_list)} shown")
    return render(request, "clients/emergency_reviews.html", {
        "page": page, "show_all": show_all, "review_form": EmergencyReviewForm(), "now": timezone.now(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def emergency_review(request, grant_id):
    grant = _reviewable(request.user).filter(pk=grant_id).first()
    if grant is None:
        raise Http404("No such emergency access")
    if request.method == "POST":
        form = EmergencyReviewForm(request.POST)
        if form.is_valid():
            services.emergency_access_review(grant=grant, by=request.user, note=form.cleaned_data["note"])
            messages.success(request, _("Marked as reviewed."))
        else:
            messages.error(request, _("Keep the note under 500 characters."))
    return redirect("clients:emergency_reviews")
