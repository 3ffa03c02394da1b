"""Scored instruments and risk flags. Scope check → form → service → redirect or render."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments import charts, services
from assessments.forms import ClearRiskFlagForm, InstrumentForm, RiskFlagForm
from assessments.instruments import InvalidAnswer, UnknownInstrument, all_instruments, get_instrument
from assessments.models import InstrumentResponse, RiskFlag
from clients.selectors import get_client_for_user, get_client_record_for_user


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
    rows = []
    for instrument in all_instruments():
        response = latest.get(instrument.code)
        due = response.administered_on + timedelta(days=instrument.reassess_days) if response else None
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
        answers = services.without_skipped(instrument, form.answers())
        try:
            missing = instrument.score(answers, sex=client.sex).missing
        except InvalidAnswer as error:
            form.add_error(None, str(error))
        else:
            if missing and "save_incomplete" not in request.POST:
                form.add_error(
                    None,
                    _("Not scored yet: %(count)s question(s) have no answer. Answer them, or save as incomplete.")
                    % {"count": len(missing)},
                )
            else:
                response = services.instrument_record(
                    client=client, instrument_code=instrument.code, answers=answers, by=request.user,
                    administered_on=form.cleaned_data["administered_on"],
                )
                return redirect("assessments:response", response_id=response.pk)
    return render(
        request,
        "assessments/administer.html",
        {"client": client, "instrument": instrument, "form": form, "missing": set(missing)},
    )


@login_required
def instrument_response(request, response_id):
    response = get_client_record_for_user(request.user, InstrumentResponse, response_id, summary="instrument result")
    instrument = response.definition
    flags = RiskFlag.objects.filter(source_response=response)
    answered = [(item, dict(item.options).get(response.answers.get(item.key))) for item in instrument.items]
    return render(
        request,
        "assessments/response.html",
        {"client": response.client, "response": response, "instrument": instrument, "flags": flags, "answered": answered},
    )


@login_required
def instrument_history(request, client_id, code):
    """Every result of one instrument over time: a chart with its bands, and the same as a table."""
    client = get_client_for_user(request.user, client_id, summary="instrument history")
    instrument = _instrument_or_404(code)
    responses = list(
        InstrumentResponse.objects.filter(client=client, instrument=instrument.code).order_by("administered_on", "created_at")
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
