"""The referral letter as a PDF: exactly what the consent lets go, rendered by WeasyPrint in the worker."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from careplans.pdf import _stylesheet
from referrals.models import REDISCLOSURE_NOTICE
from referrals.services import SharedRecord

TEMPLATE = "referrals/letter_pdf.html"


def letter_context(shared: SharedRecord) -> dict:
    return {
        "agency_name": settings.AGENCY_NAME,
        "shared": shared,
        "referral": shared.referral,
        "service": shared.referral.service,
        "notice": REDISCLOSURE_NOTICE,
        "today": timezone.localdate(),
    }


def render_letter_pdf_bytes(shared: SharedRecord) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(TEMPLATE, letter_context(shared))
        document = HTML(string=html, base_url=str(settings.BASE_DIR / "static"),
                        url_fetcher=URLFetcher(allowed_protocols=["data"]))
        return document.write_pdf(stylesheets=[_stylesheet()])
