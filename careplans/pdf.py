"""The PDF of a signed care-plan version, as the client, the signers and an auditor read it.

Rendered by WeasyPrint in the worker (careplans.tasks.render_plan_pdf), never in a request. The
HTML holds only text escaped by the template and `data:` images (signatures), and WeasyPrint may
fetch nothing else: no file, no network. The print stylesheet is read from static/css/plan_pdf.css.
"""

from __future__ import annotations

import functools
import os
import time
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from careplans.content import plan_parts
from careplans.language import client_language
from careplans.models import CarePlan, Signature

TEMPLATE = "careplans/plan_pdf.html"
STYLESHEET = settings.BASE_DIR / "static" / "css" / "plan_pdf.css"

# Tests only: seconds to wait after rendering, before the bytes are handed back, so that a worker
# test can kill the worker while the document is RENDERING. Unset (or 0) everywhere else.
TEST_RENDER_DELAY_ENV = "CASELOAD_TEST_RENDER_DELAY"


@dataclass(frozen=True)
class SignatureBlock:
    signature: Signature
    image_src: str  # a data: URL of the drawn signature, or "" (staff sign electronically; a refusal has none)


def render_plan_pdf_bytes(plan: CarePlan) -> bytes:
    """The PDF of one version, in the client's preferred language where the product has it."""
    # WeasyPrint takes ~0.75 s to import: only the process that renders pays for it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # The client's language where the product has its catalogue, else the agency's.
    with translation.override(settings.LANGUAGE_CODE):
        language = client_language(plan.client)
    with translation.override(language):
        html = render_to_string(TEMPLATE, plan_pdf_context(plan))
        document = HTML(
            string=html,
            base_url=str(STYLESHEET.parent),
            url_fetcher=URLFetcher(allowed_protocols=["data"]),
        )
        content = document.write_pdf(stylesheets=[_stylesheet()])
    delay = float(os.environ.get(TEST_RENDER_DELAY_ENV) or 0)
    if delay > 0:
        time.sleep(delay)
    return content


@functools.cache
def _stylesheet():
    """Parsed once per process; a CSS object is only read by each render."""
    from weasyprint import CSS

    return CSS(filename=str(STYLESHEET))


def plan_pdf_context(plan: CarePlan) -> dict:
    parts = plan_parts(plan)
    signatures = list(Signature.objects.filter(plan=plan).order_by("signed_at"))
    return {
        "agency_name": settings.AGENCY_NAME,
        "plan": plan,
        "client": plan.client,
        "goals": parts.goals,
        "strengths": plan.strength_lines,
        "safety_sections": plan.safety_sections,
        "signatures": [SignatureBlock(signature, "" if signature.declined else signature.image_data_uri)
                       for signature in signatures],
    }
