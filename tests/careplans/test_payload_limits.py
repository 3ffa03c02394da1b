"""Size and type limits on what the tablet posts, and on request bodies everywhere.

The signature pad's SVG and PNG have their own limits (careplans.signature_payload: MAX_SVG_BYTES,
MAX_PNG_BYTES, image sizes; tests/careplans/test_signature_payload.py). Here: the same limits at the
tablet's door, a body over Django's limit refused with 400 rather than a server error, and random
payloads that only ever end as a signature or a message for the signer.
"""

import pytest
from django.conf import settings
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from careplans.models import CarePlan, Signature
from careplans.signature_payload import MAX_PNG_BYTES, MAX_SVG_BYTES, CleanSignature, InvalidSignature, clean_signature
from tests.careplans.conftest import SIGNATURE_SVG
from tests.careplans.test_views import _png_data_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def tablet(login, case_manager, awaiting):
    awaiting.client.__class__.objects.filter(pk=awaiting.client_id).update(preferred_language="en")  # messages read in English
    browser = login(case_manager)
    browser.post(reverse("careplans:handover", args=[awaiting.pk]))
    return browser, reverse("careplans:tablet", args=[awaiting.pk])


def _sign(browser, url, *, svg=SIGNATURE_SVG, png=None):
    return browser.post(url, {"action": "sign", "printed_name": "Mikkel Sørensen", "signature_svg": svg,
                              "signature_png": png if png is not None else _png_data_url()})


def test_an_svg_over_its_limit_is_refused_at_the_tablet(tablet, awaiting):
    browser, url = tablet
    padded = SIGNATURE_SVG.replace("</svg>", "<!--" + "x" * MAX_SVG_BYTES + "--></svg>")
    response = _sign(browser, url, svg=padded)
    assert response.status_code == 200 and "too large to save" in response.content.decode()
    assert not Signature.objects.exists() and CarePlan.objects.get(pk=awaiting.pk).frozen_at is None


def test_a_png_over_its_limit_is_refused_at_the_tablet(tablet, awaiting):
    browser, url = tablet
    response = _sign(browser, url, png=_png_data_url() + "A" * (MAX_PNG_BYTES * 2))
    assert response.status_code == 200 and "too large to save" in response.content.decode()
    assert not Signature.objects.exists()


def test_an_image_of_another_type_is_refused_at_the_tablet(tablet):
    browser, url = tablet
    response = _sign(browser, url, png="data:image/gif;base64,R0lGODlhAQABAAAAACw=")
    assert response.status_code == 200 and "could not be read" in response.content.decode()
    assert not Signature.objects.exists()


def test_a_body_over_the_request_limit_is_a_bad_request_not_a_server_error(tablet, client):
    browser, url = tablet
    browser.raise_request_exception = False
    too_big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = _sign(browser, url, svg=too_big)
    assert response.status_code == 400
    assert not Signature.objects.exists()


def test_too_many_fields_is_a_bad_request(tablet):
    browser, url = tablet
    browser.raise_request_exception = False
    fields = {f"field{number}": "x" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = browser.post(url, {"action": "sign", **fields})
    assert response.status_code == 400
    assert not Signature.objects.exists()


def test_a_file_posted_to_the_tablet_is_not_stored(tablet, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    browser, url = tablet
    upload = SimpleUploadedFile("evil.svg", b"<svg onload='alert(1)'/>", content_type="image/svg+xml")
    response = browser.post(url, {"action": "sign", "printed_name": "Mikkel", "signature_svg": "",
                                  "signature_png": "", "file": upload})
    assert response.status_code == 200
    assert not Signature.objects.exists()
    from pathlib import Path

    assert not list(Path(settings.MEDIA_ROOT).rglob("evil*"))


def test_the_application_accepts_uploaded_files_only_for_the_directory_import():
    """No view reads request.FILES but the administrators' directory import, whose limits are tested in
    tests/referrals/test_hsds.py: PDFs are made by the workers, signatures come as checked text."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    readers = [
        str(path.relative_to(root)) for path in root.glob("*/**/*.py")
        if path.relative_to(root).parts[0] not in {".venv", "tests"} and "request.FILES" in path.read_text()
    ]
    assert readers == ["referrals/views.py"]


SVG_PIECES = st.sampled_from([
    "<svg", "</svg>", "<path d=\"M 0 0 L 100 100\"/>", "<script>", "onload=", "xlink:href=", "<!DOCTYPE x [",
    "<!ENTITY e SYSTEM \"file:///etc/passwd\">", "&e;", "<foreignObject>", "width=\"1e309\"", "\x00", "🙂",
    " xmlns=\"http://www.w3.org/2000/svg\"", ">", "\"", "'",
])


@hypothesis_settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(svg=st.one_of(st.text(max_size=400), st.lists(SVG_PIECES, max_size=12).map("".join)),
       png=st.one_of(st.text(max_size=200), st.binary(max_size=200).map(lambda data: "data:image/png;base64," + data.hex())))
def test_any_payload_ends_as_a_clean_signature_or_a_message_for_the_signer(svg, png):
    try:
        result = clean_signature(svg, png)
    except InvalidSignature as refused:
        assert refused.message
    else:
        assert isinstance(result, CleanSignature)
        assert "<script" not in result.svg.lower() and "on" + "load" not in result.svg.lower()
