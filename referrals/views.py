"""Directory and referral pages. Scope check → form → service → redirect or render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from careplans.models import CarePlan, Goal
from caseload import audit
from clients.selectors import get_client_for_user, get_client_record_for_user
from referrals import hsds, services
from referrals.forms import (
    DirectoryImportForm,
    DirectorySearchForm,
    EmailForm,
    ReferralForm,
    ReopenForm,
    StatusForm,
)
from referrals.models import Disclosure, PartnerLink, Referral, ReferralLetter, Service

PER_PAGE = 25


def _referral(request, referral_id, summary: str = "referral") -> Referral:
    return get_client_record_for_user(request.user, Referral, referral_id, summary=summary,
                                      related=("service__organization", "goal", "consent", "created_by"))


def _client_for_directory(request):
    """The client the case manager is finding a service for (a UUID in the address), if any and in scope."""
    client_id = request.GET.get("client")
    return get_client_for_user(request.user, client_id, summary="resource directory") if client_id else None


@login_required
def directory(request):
    client = _client_for_directory(request)
    form = DirectorySearchForm(request.GET or None)
    services_found = Service.objects.none()
    if form.is_valid() or not request.GET:
        data = form.cleaned_data if form.is_bound else {}
        services_found = Service.objects.search(
            text=data.get("q", ""), category=data.get("category", ""), language=data.get("language", ""),
        ).select_related("organization", "location").order_by("name", "id")
    page = Paginator(services_found, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "referrals/directory.html", {
        "form": form, "page": page, "client": client, "query": query.urlencode(),
    })


@login_required
def referral_list(request, client_id):
    client = get_client_for_user(request.user, client_id, summary="referrals")
    referrals = list(
        Referral.objects.filter(client=client).select_related("service__organization").order_by("-created_at")[:200]
    )
    return render(request, "referrals/referral_list.html", {"client": client, "referrals": referrals})


def _goals(client):
    return Goal.objects.filter(plan__client=client).exclude(
        plan__status__in=[CarePlan.Status.SUPERSEDED, CarePlan.Status.CLOSED]).order_by("position", "id")


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request, client_id):
    client = get_client_for_user(request.user, client_id, summary="referral (new)")
    try:
        service = Service.objects.select_related("organization").get(pk=request.GET.get("service"))
    except (Service.DoesNotExist, ValidationError, ValueError):
        messages.info(request, _("Choose a service from the directory first."))
        return redirect(reverse("referrals:directory") + f"?client={client.pk}")
    form = ReferralForm(request.POST or None, goals=_goals(client))
    if request.method == "POST" and form.is_valid():
        referral = services.referral_create(
            client=client, service=service, by=request.user, reason=form.cleaned_data["reason"],
            urgency=form.cleaned_data["urgency"], shared_items=form.cleaned_data["shared_items"],
            goal=form.cleaned_data["goal"],
        )
        messages.success(request, _("The referral is saved as a draft. Send it when the client's consent is in place."))
        return redirect("referrals:referral", referral_id=referral.pk)
    return render(request, "referrals/referral_form.html", {"client": client, "service": service, "form": form})


def _detail_context(request, referral, **forms) -> dict:
    consent = services.consent_for(referral)
    link_token = request.session.pop(f"partner-link:{referral.pk}", None)
    return {
        "client": referral.client, "referral": referral, "consent": consent,
        "events": list(referral.events.select_related("by_user")),
        "links": list(PartnerLink.objects.filter(referral=referral)[:10]),
        "letter": ReferralLetter.objects.filter(referral=referral).first(),
        "emails": list(referral.emails.all()[:10]),
        "partner_url": request.build_absolute_uri(reverse("partner:referral", args=[link_token])) if link_token else "",
        "status_form": forms.get("status_form") or StatusForm(
            statuses=referral.next_statuses, initial={"version": referral.version}),
        "reopen_form": ReopenForm(initial={"version": referral.version}),
        "email_form": forms.get("email_form") or EmailForm(initial={"to": referral.service.email}),
        "consent_url": reverse("clients:consent_add", args=[referral.client_id])
        + f"?organization={referral.service.organization_id}",
    }


@login_required
def referral_detail(request, referral_id):
    referral = _referral(request, referral_id)
    return render(request, "referrals/referral_detail.html", _detail_context(request, referral))


def _posted_version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def _stale(request, referral):
    messages.error(request, _("Someone else updated this referral while you had it open. Here it is as it is now."))
    return redirect("referrals:referral", referral_id=referral.pk)


@login_required
def referral_send(request, referral_id):
    referral = _referral(request, referral_id, "referral (send)")
    if request.method != "POST":
        return redirect("referrals:referral", referral_id=referral.pk)
    try:
        services.referral_send(referral=referral, by=request.user, version=_posted_version(request))
    except services.StaleReferral:
        return _stale(request, referral)
    except services.ConsentRequired as error:
        messages.error(request, str(error))
        return redirect("referrals:referral", referral_id=referral.pk)
    except services.NotAllowed as error:
        messages.error(request, str(error))
        return redirect("referrals:referral", referral_id=referral.pk)
    messages.success(request, _("The referral is sent. Only what the consent covers was shared."))
    return redirect("referrals:referral", referral_id=referral.pk)


@login_required
def referral_status(request, referral_id):
    referral = _referral(request, referral_id, "referral (status)")
    if request.method != "POST":
        return redirect("referrals:referral", referral_id=referral.pk)
    form = StatusForm(request.POST, statuses=referral.next_statuses)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.referral_set_status(
                referral=referral, to_status=data["to_status"], by=request.user, note=data["note"],
                close_reason=data["close_reason"], appointment_at=data["appointment_at"], version=data["version"],
            )
        except services.StaleReferral:
            return _stale(request, referral)
        except services.NotAllowed as error:
            form.add_error("to_status", str(error))
        except ValidationError as error:
            for name, texts in error.message_dict.items():
                for text in texts:
                    form.add_error(name, text)
        else:
            messages.success(request, _("The referral's status is updated."))
            return redirect("referrals:referral", referral_id=referral.pk)
    context = _detail_context(request, referral, status_form=form)
    return render(request, "referrals/referral_detail.html", context, status=400)


@login_required
def referral_reopen(request, referral_id):
    referral = _referral(request, referral_id, "referral (re-open)")
    if request.method != "POST":
        return redirect("referrals:referral", referral_id=referral.pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return _stale(request, referral)
    try:
        services.referral_reopen(referral=referral, by=request.user, note=form.cleaned_data["note"],
                                 version=form.cleaned_data["version"])
    except services.StaleReferral:
        return _stale(request, referral)
    except services.NotAllowed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The referral is re-opened as a draft. Send it again when ready."))
    return redirect("referrals:referral", referral_id=referral.pk)


@login_required
def partner_link_create(request, referral_id):
    referral = _referral(request, referral_id, "referral (partner link)")
    if request.method != "POST":
        return redirect("referrals:referral", referral_id=referral.pk)
    try:
        link, token = services.partner_link_create(referral=referral, by=request.user)
    except (services.ConsentRequired, services.NotAllowed) as error:
        messages.error(request, str(error))
    else:
        # Shown once, on the next page: the database keeps only its hash.
        request.session[f"partner-link:{referral.pk}"] = token
        messages.success(request, _("A new link is ready. Copy it now: it is shown only once."))
    return redirect("referrals:referral", referral_id=referral.pk)


@login_required
def partner_link_revoke(request, referral_id):
    referral = _referral(request, referral_id, "referral (revoke link)")
    if request.method != "POST":
        return redirect("referrals:referral", referral_id=referral.pk)
    for link in PartnerLink.objects.filter(referral=referral, revoked_at__isnull=True, used_at__isnull=True):
        services.partner_link_revoke(link=link)
    messages.success(request, _("The partner's link no longer works."))
    return redirect("referrals:referral", referral_id=referral.pk)


@login_required
def letter_queue(request, referral_id):
    referral = _referral(request, referral_id, "referral letter (make)")
    if request.method != "POST":
        return redirect("referrals:referral", referral_id=referral.pk)
    try:
        services.letter_queue(referral=referral, by=request.user)
    except services.ConsentRequired as error:
        messages.error(request, str(error))
    else:
        messages.info(request, _("The letter is being made. It will be ready in a moment."))
    return redirect("referrals:referral", referral_id=referral.pk)


@login_required
def letter_download(request, referral_id):
    referral = _referral(request, referral_id, "referral letter")
    letter = ReferralLetter.objects.filter(referral=referral, status=ReferralLetter.Status.READY).first()
    if letter is None or not letter.file:
        messages.info(request, _("The letter is not ready yet."))
        return redirect("referrals:referral", referral_id=referral.pk)
    consent = services.consent_for(referral)
    if consent is None:  # the consent ended after the letter was made: it is not handed out any more
        messages.error(request, str(services.ConsentRequired(referral)))
        return redirect("referrals:referral", referral_id=referral.pk)
    services.disclosure_record(referral=referral, consent=consent, channel=Disclosure.Channel.LETTER, by=request.user)
    audit.record(action="download", client_id=referral.client_id, obj=referral, summary="referral letter PDF")
    name = f"referral-{referral.client.client_number}.pdf"
    return FileResponse(letter.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf")


@login_required
def letter_email(request, referral_id):
    referral = _referral(request, referral_id, "referral letter (email)")
    if request.method != "POST":
        return redirect("referrals:referral", referral_id=referral.pk)
    form = EmailForm(request.POST)
    if form.is_valid():
        try:
            _email, created = services.email_queue(referral=referral, by=request.user, to=form.cleaned_data["to"],
                                                   request_key=form.cleaned_data["request_key"])
        except services.ConsentRequired as error:
            messages.error(request, str(error))
        else:
            if created:
                messages.success(request, _("The letter will be emailed in a moment."))
        return redirect("referrals:referral", referral_id=referral.pk)
    return render(request, "referrals/referral_detail.html", _detail_context(request, referral, email_form=form),
                  status=400)


def _administrator(request):
    if not request.user.is_administrator:
        raise PermissionDenied
    return request.user


@login_required
@require_http_methods(["GET", "POST"])
def directory_import(request):
    _administrator(request)
    form = DirectoryImportForm(request.POST or None, request.FILES or None)
    rejections, result = [], None
    if request.method == "POST" and form.is_valid():
        try:
            result = hsds.import_directory(hsds.files_from_uploads(form.cleaned_data["files"]))
        except hsds.DirectoryImportError as error:
            rejections = error.rejections
        else:
            messages.success(request, _("The directory is imported."))
    status = 400 if rejections else 200
    return render(request, "referrals/directory_import.html",
                  {"form": form, "rejections": rejections, "result": result}, status=status)


@login_required
def directory_export(request):
    _administrator(request)
    response = HttpResponse(hsds.export_zip(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="directory-hsds.zip"'
    return response


