"""Scored instruments and risk flags. Scope check → form → service → redirect or render."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments import charts, services
from assessments.domains import DOMAINS
from assessments.forms import (
    ITEM_FIELDS,
    AddendumForm,
    AssessmentForm,
    AssessmentStartForm,
    ClearRiskFlagForm,
    InstrumentForm,
    ParticipantFormSet,
    RiskFlagForm,
)
from assessments.instrument_language import languages_without_translation
from assessments.instruments import UnknownInstrument, all_instruments, get_instrument
from assessments.models import (
    Assessment,
    AssessmentAddendum,
    InstrumentResponse,
    Participant,
    RiskFlag,
)
from caseload.models import AgencySettings
from clients.selectors import get_client_for_user, get_client_record_for_user
from clients.services import ConcurrentEditError


def _instrument_or_404(code: str):
    try:
        return get_instrument(code)
    except UnknownInstrument:
        raise Http404("No such instrument") from None


@login_required
def instrument_list(request, client_id):
    """Every instrument with the client's latest result and when it is due again."""
    client = get_client_for_user(request.user, client_id, summary="screening instruments")
    latest = {r.instrument: r for r in InstrumentResponse.objects.filter(client=client).latest_per_instrument()}
    agency = AgencySettings.load()
    rows = []
    for instrument in all_instruments():
        response = latest.get(instrument.code)
        due = response.administered_on + timedelta(days=agency.reassessment_interval(instrument)) if response else None
        rows.append({"instrument": instrument, "latest": response, "due": due})
    return render(request, "assessments/instrument_list.html", {"client": client, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def instrument_administer(request, client_id, code):
    client = get_client_for_user(request.user, client_id, summary="screening instrument")
    instrument = _instrument_or_404(code)
    form = InstrumentForm(request.POST or None, instrument=instrument)
    missing = []
    if request.method == "POST" and form.is_valid():
        try:
            response = services.instrument_record(
                client=client, instrument_code=instrument.code, answers=form.answers(), by=request.user,
                administered_on=form.cleaned_data["administered_on"],
                allow_incomplete="save_incomplete" in request.POST,
            )
        except services.IncompleteAnswers as incomplete:
            missing = incomplete.missing
            form.add_error(
                None,
                _("Not scored yet: %(count)s question(s) have no answer. Answer them, or save as incomplete.")
                % {"count": len(missing)},
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("assessments:response", response_id=response.pk)
    return render(
        request,
        "assessments/administer.html",
        {"client": client, "instrument": instrument, "form": form, "missing": set(missing),
         "untranslated_languages": languages_without_translation(client)},
    )


@login_required
def instrument_response(request, response_id):
    response = get_client_record_for_user(request.user, InstrumentResponse, response_id, summary="instrument result")
    instrument = response.definition
    flags = RiskFlag.objects.filter(source_response=response)
    answered = [(item, dict(item.options).get(response.answers.get(item.key))) for item in instrument.items]
    sex = response.client.sex
    # Where the cut-offs differ by sex (AUDIT-C), say which were used: "positive for a man".
    sex_bands = instrument.bands(sex) if instrument.bands("male") != instrument.bands("female") else []
    return render(
        request,
        "assessments/response.html",
        {"client": response.client, "response": response, "instrument": instrument, "flags": flags,
         "answered": answered, "sex_bands": sex_bands, "sex_label": response.client.get_sex_display(),
         "untranslated_languages": languages_without_translation(response.client)},
    )


@login_required
def instrument_history(request, client_id, code):
    """Every result of one instrument over time: a chart with its bands, and the same as a table."""
    client = get_client_for_user(request.user, client_id, summary="instrument history")
    instrument = _instrument_or_404(code)
    responses = list(
        InstrumentResponse.objects.filter(client=client, instrument=instrument.code)
        .select_related("administered_by")
        .order_by("administered_on", "created_at")
    )
    chart = charts.trend_chart(instrument, responses, sex=client.sex)
    return render(
        request,
        "assessments/history.html",
        {"client": client, "instrument": instrument, "responses": responses[::-1], "chart": chart},
    )


@login_required
@require_http_methods(["GET", "POST"])
def risk_flag_add(request, client_id):
    client = get_client_for_user(request.user, client_id, summary="risk flag")
    form = RiskFlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.risk_flag_raise(
            client=client, kind=form.cleaned_data["kind"], reason=form.cleaned_data["reason"], by=request.user
        )
        messages.warning(request, _("Risk flag raised. The team's supervisor has been told."))
        return redirect("clients:detail", client_id=client.pk)
    return render(request, "assessments/risk_flag_form.html", {"client": client, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def risk_flag_clear(request, flag_id):
    flag = get_client_record_for_user(request.user, RiskFlag, flag_id, summary="risk flag")
    form = ClearRiskFlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_flag_clear(flag=flag, by=request.user, reason=form.cleaned_data["clear_reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Risk flag cleared; it stays in the client's history."))
            return redirect("clients:detail", client_id=flag.client_id)
    return render(request, "assessments/risk_flag_clear.html", {"client": flag.client, "flag": flag, "form": form})


# --- The comprehensive assessment -------------------------------------------------------------


@login_required
def assessment_list(request, client_id):
    client = get_client_for_user(request.user, client_id, summary="assessments")
    assessments = Assessment.objects.filter(client=client).select_related("assessor")
    return render(request, "assessments/assessment_list.html", {"client": client, "assessments": assessments})


@login_required
@require_http_methods(["GET", "POST"])
def assessment_start(request, client_id):
    client = get_client_for_user(request.user, client_id, summary="assessment")
    form = AssessmentStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assessment = services.assessment_start(
            client=client, by=request.user, occasion=form.cleaned_data["occasion"],
            assessed_on=form.cleaned_data["assessed_on"],
        )
        return redirect("assessments:assessment_edit", assessment_id=assessment.pk)
    return render(request, "assessments/assessment_start.html", {"client": client, "form": form})


def _assessment_parts(records):
    """The records of an assessment arranged for its pages: entries by domain, item texts by list."""
    entry_rows, item_rows, participants = records
    entries = {entry.domain: entry for entry in entry_rows}
    items: dict[tuple[str, str], list[str]] = {}
    kind_to_field = {kind: name for name, kind in services.ITEM_KINDS.items()}
    for item in sorted(item_rows, key=lambda row: row.position):
        items.setdefault((item.domain, kind_to_field[item.kind]), []).append(item.text)
    return entries, items, participants


@login_required
@require_http_methods(["GET", "POST"])
def assessment_edit(request, assessment_id):
    assessment = get_client_record_for_user(request.user, Assessment, assessment_id, summary="assessment (edit)")
    if assessment.is_locked:
        return redirect("assessments:assessment", assessment_id=assessment.pk)
    entries, items, participants = _assessment_parts(services.assessment_records(assessment))
    others = [
        {"role": p.role, "name": p.name, "client_consented": p.client_consented}
        for p in participants if p.role != Participant.Role.CLIENT
    ]
    form = AssessmentForm(request.POST or None, assessment=assessment, entries=entries, items=items)
    people = ParticipantFormSet(request.POST or None, initial=others + [{}, {}], prefix="people")
    autosave = request.headers.get("X-Autosave") == "1"
    if request.method == "POST" and form.is_valid() and people.is_valid():
        try:
            saved = services.assessment_save_draft(
                assessment=assessment, by=request.user, expected_version=form.cleaned_data["version"],
                header=form.header(), domains=form.domain_content(),
                participants=[p for p in people.cleaned_data if p.get("name")],
            )
        except ConcurrentEditError as error:
            if autosave:
                return JsonResponse({"error": error.user_message}, status=409)
            form.add_error(None, error.user_message)
        except services.AssessmentLocked:
            if autosave:
                return JsonResponse({"error": _("This assessment has been signed.")}, status=409)
            messages.error(request, _("This assessment was signed in the meantime: add an addendum instead."))
            return redirect("assessments:assessment", assessment_id=assessment.pk)
        else:
            if autosave:
                return JsonResponse({"version": saved.version, "saved_at": date_format(timezone.localtime(), "TIME_FORMAT")})
            messages.success(request, _("Draft saved."))
            if "sign" in request.POST:
                return redirect("assessments:assessment_sign", assessment_id=assessment.pk)
            return redirect("assessments:assessment_edit", assessment_id=assessment.pk)
    elif autosave and request.method == "POST":
        # Not saved while a field is wrong: the full save shows the message beside it.
        return JsonResponse({"error": _("Not saved yet: a field needs correcting.")}, status=400)
    return render(
        request,
        "assessments/assessment_form.html",
        {"client": assessment.client, "assessment": assessment, "form": form, "people": people},
    )


@login_required
def assessment_detail(request, assessment_id):
    assessment = get_client_record_for_user(request.user, Assessment, assessment_id, summary="assessment")
    records = services.assessment_records(assessment)
    entries, items, participants = _assessment_parts(records)
    sections = []
    for domain in DOMAINS:
        entry = entries.get(domain.key)
        answers = entry.answers if entry else {}
        labelled = [(q.label, dict(q.choices).get(answers.get(q.key), answers.get(q.key)) if q.choices else
                     {"yes": _("Yes"), "no": _("No")}.get(answers.get(q.key), answers.get(q.key)))
                    for q in domain.questions if answers.get(q.key)]
        lists = [(label, items.get((domain.key, name), [])) for name, label in ITEM_FIELDS]
        if labelled or (entry and entry.narrative) or any(texts for _label, texts in lists):
            sections.append({"domain": domain, "answers": labelled, "narrative": entry.narrative if entry else "",
                             "lists": lists})
    addenda = AssessmentAddendum.objects.filter(assessment=assessment).select_related("author")
    intact = None
    if assessment.is_locked:
        intact = services.content_hash(services.assessment_content(assessment, records)) == assessment.content_hash
    return render(
        request,
        "assessments/assessment_detail.html",
        {"client": assessment.client, "assessment": assessment, "sections": sections, "participants": participants,
         "addenda": addenda, "addendum_form": AddendumForm(), "intact": intact},
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_sign(request, assessment_id):
    assessment = get_client_record_for_user(request.user, Assessment, assessment_id, summary="assessment (sign)")
    if request.method == "POST":
        try:
            services.assessment_sign(
                assessment=assessment, by=request.user, expected_version=int(request.POST.get("version") or 0)
            )
        except services.AssessmentLocked:
            messages.info(request, _("This assessment is already signed."))
        except ConcurrentEditError:
            messages.error(request, _("The draft changed after you opened this page: read it again before signing."))
            return redirect("assessments:assessment_sign", assessment_id=assessment.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("assessments:assessment", assessment_id=assessment.pk)
        else:
            messages.success(request, _("Assessment signed. It is now locked; corrections are added as addenda."))
        return redirect("assessments:assessment", assessment_id=assessment.pk)
    return render(
        request, "assessments/assessment_sign.html",
        {"client": assessment.client, "assessment": assessment, "meaning": Assessment.SIGNING_MEANING},
    )


@login_required
def assessment_addendum(request, assessment_id):
    assessment = get_client_record_for_user(request.user, Assessment, assessment_id, summary="assessment addendum")
    if request.method != "POST":
        return redirect("assessments:assessment", assessment_id=assessment.pk)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_add_addendum(assessment=assessment, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Addendum added."))
    else:
        messages.error(request, _("Write the addendum before adding it."))
    return redirect("assessments:assessment", assessment_id=assessment.pk)
