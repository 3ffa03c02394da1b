from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from caseload import audit
from caseload.compiled import CompiledQuery, Param, columns
from caseload.forms import AssignForm
from caseload.models import Notice
from caseload.selectors import assignable_case_managers, caseload_today, supervised_teams
from caseload.services import client_assign
from clients.selectors import get_client_for_user
from clients.views import remembered_search

CASELOAD_SEARCH_KEY = "caseload_search"
PAGE_SIZE = 50  # a full caseload on one page
UNREAD_NOTICES = CompiledQuery(lambda: (
    Notice.objects.filter(recipient_id=Param("user", Notice._meta.get_field("recipient").target_field)).unread()
    .values_list(*columns(Notice))[:20]
))


@login_required
@require_http_methods(["GET", "POST"])
def home(request):
    """My caseload: who needs me today — my clients, most urgent first, with what is due; searchable."""
    form = remembered_search(request, CASELOAD_SEARCH_KEY)
    if request.method == "POST" and form.is_valid():
        return redirect("caseload:home")
    query = request.session.get(CASELOAD_SEARCH_KEY, "")
    page, counts, notices_waiting = caseload_today(
        request.user, query=query, page_number=request.GET.get("page"), per_page=PAGE_SIZE
    )
    audit.record(action="search" if query else "list", summary=_("my caseload, page %(page)s") % {"page": page.number})
    teams = list(supervised_teams(request.user)) if request.user.can_assign_clients else []
    notices = UNREAD_NOTICES.instances(Notice, user=request.user.pk) if notices_waiting else []
    return render(
        request,
        "caseload/home.html",
        {"form": form, "page": page, "query": query, "counts": counts, "teams": teams, "notices": notices},
    )


@login_required
@require_http_methods(["POST"])
def notice_read(request, notice_id):
    """Mark one of my notices read; someone else's is not found."""
    updated = Notice.objects.filter(pk=notice_id, recipient=request.user, read_at__isnull=True)
    notice = updated.first()
    if notice is None:
        raise Http404("No such notice")
    notice.read_at = timezone.now()
    notice.save(update_fields=["read_at"])
    return redirect("caseload:home")


@login_required
@require_http_methods(["GET", "POST"])
def assign(request, client_id):
    """Assign or transfer a client (supervisors and administrators)."""
    client = get_client_for_user(request.user, client_id, summary="assignment")
    # Emergency access is for the client's care, not for moving their case: that stays with their own team.
    if not request.user.can_assign_clients or client.opened_in_emergency:
        raise PermissionDenied
    form = AssignForm(request.POST or None, assignable=assignable_case_managers(request.user), current=client.case_manager)
    if request.method == "POST" and form.is_valid():
        try:
            client_assign(
                client=client, case_manager=form.cleaned_data["case_manager"], by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("%(client)s is now with %(name)s.") % {"client": client.full_name, "name": client.case_manager}
            )
            return redirect("clients:detail", client_id=client.pk)
    return render(request, "caseload/assign.html", {"client": client, "form": form})
