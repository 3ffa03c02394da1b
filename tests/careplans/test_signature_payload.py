"""What the signature pad posts is checked and rebuilt from an allowlist before it is stored or printed."""

import base64
import io
import random
import zlib

import pytest
from defusedxml.ElementTree import fromstring
from PIL import Image, ImageDraw, ImageFile

from careplans.signature_payload import (
    MAX_PNG_BYTES,
    MAX_SVG_BYTES,
    CleanSignature,
    InvalidSignature,
    clean_signature,
)

SVG_NS = "http://www.w3.org/2000/svg"
MISSING = "Sign in the box with your finger before pressing Sign."
UNREADABLE = "This signature could not be read. Clear the box and sign again."
TOO_LARGE = "This signature is too large to save. Clear the box and sign again."
TOO_SMALL = "The signature is too small. Clear the box and sign your name across it."

HEAD = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'viewBox="0 0 860 224" width="860" height="224">'
)
# Taken from signature_pad 5.1.4's toSVG() in Chromium after a finger stroke, a tap and a short
# two-point stroke: each curve segment is its own <path>, a tap is a <circle>, two points a <line>.
PAD_SVG = (
    HEAD + '<path d="M 60.000,120.000 C 63.867,125.023 64.000,124.908 68.000,129.816" stroke-width="5.474" '
    'stroke="black" fill="none" stroke-linecap="round"></path>'
    '<path d="M 68.000,129.816 C 71.746,134.449 71.867,134.299 76.000,138.551" stroke-width="4.795" '
    'stroke="black" fill="none" stroke-linecap="round"></path>'
    '<path d="M 76.000,138.551 C 79.685,142.383 79.746,142.163 84.000,145.244" stroke-width="5.018" '
    'stroke="black" fill="none" stroke-linecap="round"></path>'
    '<path d="M 84.000,145.244 C 87.793,147.944 87.685,147.687 92.000,149.158" stroke-width="4.937" '
    'stroke="black" fill="none" stroke-linecap="round"></path>'
    '<path d="M 92.000,149.158 C 96.091,150.321 95.793,150.253 100.000,149.862" stroke-width="4.965" '
    'stroke="black" fill="none" stroke-linecap="round"></path>'
    '<circle r="1.75" cx="500" cy="60" fill="black"></circle>'
    '<line x1="600" y1="60" x2="630" y2="70" stroke="black" stroke-width="3.5" stroke-linecap="round"></line>'
    "</svg>"
)
ONE_STROKE = (
    '<path d="M 60.000,120.000 C 63.867,125.023 64.000,124.908 100.000,149.862" stroke-width="5" '
    'stroke="black" fill="none" stroke-linecap="round"></path>'
)

ALLOWED = {
    "svg": {"width", "height", "viewBox"},
    "path": {"d", "fill", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin"},
    "circle": {"cx", "cy", "r", "fill", "stroke", "stroke-width"},
    "line": {"x1", "y1", "x2", "y2", "fill", "stroke", "stroke-width", "stroke-linecap"},
}


def png_url(data: bytes, media_type: str = "image/png") -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def image_bytes(size=(1720, 448), fmt="PNG", ink=True, mode="RGBA") -> bytes:
    """What canvas.toDataURL() gives: a transparent canvas with black strokes."""
    image = Image.new(mode, size, (0, 0, 0, 0) if mode == "RGBA" else "white")
    if ink:
        ImageDraw.Draw(image).line([(120, 240), (400, 300), (700, 180)], fill="black", width=5)
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


PAD_PNG = image_bytes()
PAD_PNG_URL = png_url(PAD_PNG)


def refused(svg: str = PAD_SVG, png: str = PAD_PNG_URL) -> str:
    with pytest.raises(InvalidSignature) as caught:
        clean_signature(svg, png)
    message = caught.value.message
    assert str(caught.value) == message
    assert message[0].isupper() and message.endswith(".") and "<" not in message
    return message


def assert_allowlisted(svg: str) -> None:
    root = fromstring(svg, forbid_dtd=True)
    for element in root.iter():
        namespace, _, tag = element.tag[1:].partition("}")
        assert namespace == SVG_NS and tag in ALLOWED, element.tag
        assert set(element.attrib) <= ALLOWED[tag], (tag, element.attrib)
        assert not (element.text or "").strip() and not (element.tail or "").strip()


# Accepted ----------------------------------------------------------------------------------------


def test_a_signature_from_the_pad_comes_back_cleaned():
    signature = clean_signature(PAD_SVG, PAD_PNG_URL)

    assert isinstance(signature, CleanSignature)
    assert (signature.width, signature.height) == (860, 224)
    assert signature.png == PAD_PNG
    assert signature.svg.startswith(f'<svg xmlns="{SVG_NS}" width="860" height="224" viewBox="0 0 860 224">')
    assert "xlink" not in signature.svg
    assert_allowlisted(signature.svg)
    root = fromstring(signature.svg)
    assert [_local(child.tag) for child in root] == ["path"] * 5 + ["circle", "line"]
    first = root[0].attrib
    assert first == {
        "d": "M 60 120 C 63.867 125.023 64 124.908 68 129.816",
        "fill": "none",
        "stroke": "black",
        "stroke-width": "5.474",
        "stroke-linecap": "round",
    }
    assert root[5].attrib == {"cx": "500", "cy": "60", "r": "1.75", "fill": "black"}
    assert root[6].attrib["x2"] == "630"


def test_cleaning_a_clean_signature_changes_nothing():
    once = clean_signature(PAD_SVG, PAD_PNG_URL)
    assert clean_signature(once.svg, PAD_PNG_URL) == once


def test_colours_and_relative_paths_that_the_pad_can_be_set_to_draw_are_kept():
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200" width="400" height="200">'
        '<path d="m10 10 c 5 5, 10 5, 15 0 l 40 -1e1 h 5 v 5 z" stroke="rgb(0, 0, 128)" fill="#1f5f8b"/>'
        '<circle cx="80" cy="40" r="2" fill="rgba(0,0,0,0.8)" stroke="navy"/>'
        "</svg>"
    )
    root = fromstring(clean_signature(svg, PAD_PNG_URL).svg)
    assert root[0].attrib == {
        "d": "m 10 10 c 5 5 10 5 15 0 l 40 -10 h 5 v 5 z",
        "fill": "#1f5f8b",
        "stroke": "rgb(0, 0, 128)",
    }
    assert root[1].attrib == {"cx": "80", "cy": "40", "r": "2", "fill": "rgba(0,0,0,0.8)", "stroke": "navy"}


def test_what_is_not_on_the_allowlist_is_dropped():
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'viewBox="0 0 860 224" width="860" height="224" style="background:url(https://tracker.example/x)" '
        'preserveAspectRatio="none" class="sig" id="s">'
        "<title>Signed by a client</title><desc>text</desc>"
        '<style>@import url("https://tracker.example/x.css");</style>'
        '<defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient></defs>'
        '<rect width="100%" height="100%" fill="white"/>'
        '<g transform="scale(10)"><path d="M 0 0 L 500 500" stroke="black"/></g>'
        '<text x="10" y="10">Signed</text>'
        '<path d="M 60 120 C 63 125 64 124 100 149" style="stroke:url(https://tracker.example/y)" class="ink" '
        'id="p1" data-x="1" transform="rotate(45)" fill="url(#g)" stroke="expression(alert(1))" '
        'stroke-width="thick" stroke-linecap="url(#x)" stroke-dasharray="1 2" opacity="0.5" '
        'xml:space="preserve" fill-rule="evenodd">stray text</path>'
        '<circle cx="500" cy="60" r="1.75" fill="black" stroke="#12345" filter="url(#f)" mask="url(#m)"/>'
        '<ellipse cx="10" cy="10" rx="5" ry="5"/><polyline points="0,0 100,100"/>'
        "</svg>"
    )
    cleaned = clean_signature(svg, PAD_PNG_URL).svg
    assert_allowlisted(cleaned)
    assert cleaned == (
        f'<svg xmlns="{SVG_NS}" width="860" height="224" viewBox="0 0 860 224">'
        '<path d="M 60 120 C 63 125 64 124 100 149"/>'
        '<circle cx="500" cy="60" r="1.75" fill="black"/>'
        "</svg>"
    )
    for gone in ("url(", "tracker", "style", "class", "transform", "expression", "Signed", "rect", "title"):
        assert gone not in cleaned


def test_the_output_renders_in_weasyprint_inline_and_as_an_image():
    import weasyprint  # a requirement of the product: never skipped
    signature = clean_signature(PAD_SVG, PAD_PNG_URL)
    svg_url = "data:image/svg+xml;base64," + base64.b64encode(signature.svg.encode()).decode()
    html = f'<p>Signed</p>{signature.svg}<img src="{svg_url}" alt=""><img src="{PAD_PNG_URL}" alt="">'
    assert weasyprint.HTML(string=html).write_pdf().startswith(b"%PDF")


# Refused: nothing there --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "svg, png",
    [
        ("", ""),
        ("", PAD_PNG_URL),
        (PAD_SVG, ""),
        ("   ", PAD_PNG_URL),
        (PAD_SVG, " \n\t "),
        ("\n", "\n"),
        (None, None),
    ],
    ids=["both-empty", "no-svg", "no-png", "blank-svg", "blank-png", "whitespace", "none"],
)
def test_an_empty_or_blank_post_asks_the_person_to_sign(svg, png):
    assert refused(svg, png) == MISSING


def test_an_empty_pad_asks_the_person_to_sign():
    assert refused(HEAD + "</svg>") == MISSING
    assert refused(png=png_url(image_bytes(ink=False))) == MISSING


# Refused: too big --------------------------------------------------------------------------------


def test_an_oversized_svg_is_refused():
    svg = HEAD + ONE_STROKE * (MAX_SVG_BYTES // len(ONE_STROKE) + 1) + "</svg>"
    assert len(svg.encode()) > MAX_SVG_BYTES
    assert refused(svg) == TOO_LARGE


def test_an_oversized_png_is_refused():
    noise = Image.frombytes("RGB", (600, 400), random.Random(1).randbytes(600 * 400 * 3))
    out = io.BytesIO()
    noise.save(out, "PNG")
    assert MAX_PNG_BYTES < len(out.getvalue())
    assert refused(png=png_url(out.getvalue())) == TOO_LARGE
    assert refused(png="data:image/png;base64," + "A" * (MAX_PNG_BYTES * 2)) == TOO_LARGE


# Refused: not a PNG ------------------------------------------------------------------------------


@pytest.fixture(params=[False, True], ids=["pillow-default", "after-weasyprint-import"])
def pillow_as_weasyprint_leaves_it(request, monkeypatch):
    """Importing WeasyPrint sets ImageFile.LOAD_TRUNCATED_IMAGES for the whole process; refuse either way."""
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", request.param)


@pytest.mark.parametrize(
    "png",
    [
        "data:image/png;base64,@@not base64!!",
        "data:image/png;base64,iVBORw0KGgo=x",
        "iVBORw0KGgoAAAANSUhEUg==",
        png_url(PAD_PNG, "image/svg+xml"),
        png_url(image_bytes(fmt="JPEG", mode="RGB"), "image/jpeg"),
        png_url(image_bytes(fmt="JPEG", mode="RGB")),
        png_url(b"\x89PNG\r\n\x1a\n" + random.Random(2).randbytes(2000)),
        png_url(PAD_PNG[: len(PAD_PNG) // 2]),
        png_url(image_bytes(size=(40, 200))),
        png_url(image_bytes(size=(800, 10))),
        png_url(image_bytes(size=(4001, 448))),
        "https://tracker.example/signature.png",
    ],
    ids=[
        "not-base64",
        "bad-padding",
        "no-data-url",
        "svg-media-type",
        "jpeg-data-url",
        "jpeg-bytes-as-png",
        "png-header-with-garbage",
        "truncated-png",
        "too-narrow",
        "too-short",
        "too-wide",
        "remote-url",
    ],
)
def test_a_png_that_is_not_a_pad_image_is_refused(png, pillow_as_weasyprint_leaves_it):
    assert refused(png=png) == UNREADABLE


def test_a_png_whose_pixels_do_not_decode_is_refused(pillow_as_weasyprint_leaves_it):
    # Every chunk's CRC is right, so verify() alone passes it; the pixel data does not inflate.
    chunks = [chunk for chunk in _png_chunks(PAD_PNG) if chunk[0] != b"IDAT"]
    broken = chunks[:-1] + [(b"IDAT", b"\x78\x9c" + b"\xff" * 64)] + chunks[-1:]
    assert _png_from_chunks(_png_chunks(PAD_PNG)) == PAD_PNG
    assert refused(png=png_url(_png_from_chunks(broken))) == UNREADABLE


# Refused: not a plain drawing --------------------------------------------------------------------

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    + HEAD
    + "<desc>&c;</desc>"
    + ONE_STROKE
    + "</svg>"
)


@pytest.mark.parametrize(
    "svg",
    [
        "not a drawing",
        "<svg><path></svg>",
        '{"svg": "<svg/>"}',
        '<html xmlns="http://www.w3.org/1999/xhtml"><body>' + ONE_STROKE + "</body></html>",
        '<svg xmlns="http://example.org/not-svg" width="860" height="224">' + ONE_STROKE + "</svg>",
        BILLION_LAUGHS,
        '<!DOCTYPE svg SYSTEM "http://tracker.example/svg.dtd">' + HEAD + ONE_STROKE + "</svg>",
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + HEAD
        + "<desc>&x;</desc>"
        + ONE_STROKE
        + "</svg>",
        HEAD + "<desc>&unknown;</desc>" + ONE_STROKE + "</svg>",
        HEAD + ONE_STROKE + "<script>alert(document.cookie)</script></svg>",
        HEAD + ONE_STROKE + '<g><g><script href="https://tracker.example/x.js"/></g></g></svg>',
        HEAD.replace("<svg ", '<svg onload="alert(1)" ') + ONE_STROKE + "</svg>",
        HEAD + ONE_STROKE.replace("<path ", '<path onclick="alert(1)" ') + "</svg>",
        HEAD + ONE_STROKE + '<image href="https://tracker.example/pixel.png" width="1" height="1"/></svg>',
        HEAD + ONE_STROKE + '<use xlink:href="#p"/></svg>',
        HEAD + ONE_STROKE + '<a href="javascript:alert(1)"><text>x</text></a></svg>',
        HEAD
        + ONE_STROKE
        + '<foreignObject width="100" height="100"><div xmlns="http://www.w3.org/1999/xhtml">x</div>'
        + "</foreignObject></svg>",
        HEAD + '<path d="M 0 0 L url(javascript:alert(1))" stroke="black"/></svg>',
        HEAD + '<path d="M 0 0 L 100 100 &lt;/path&gt;" stroke="black"/></svg>',
        HEAD + '<path d="M 0 0 L 100" stroke="black"/></svg>',
        HEAD + '<path d="L 0 0 L 100 100" stroke="black"/></svg>',
        HEAD + '<path stroke="black"/></svg>',
        HEAD + '<path d="M 0 0 L 1e400 100" stroke="black"/></svg>',
        HEAD + '<circle cx="10" cy="10" fill="black"/>' + ONE_STROKE + "</svg>",
        HEAD + '<circle cx="10" cy="ten" r="3" fill="black"/>' + ONE_STROKE + "</svg>",
        '<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="224">' + ONE_STROKE + "</svg>",
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 860">' + ONE_STROKE + "</svg>",
        '<svg xmlns="http://www.w3.org/2000/svg">' + ONE_STROKE + "</svg>",
    ],
    ids=[
        "not-xml",
        "broken-xml",
        "json",
        "html-root",
        "foreign-namespace-root",
        "xml-bomb",
        "external-dtd",
        "external-entity",
        "undeclared-entity",
        "script",
        "nested-script",
        "onload",
        "onclick",
        "image-href",
        "use-xlink-href",
        "javascript-link",
        "foreignObject",
        "path-with-url",
        "path-with-markup",
        "path-missing-numbers",
        "path-not-starting-with-move",
        "path-without-d",
        "path-infinite-number",
        "circle-without-radius",
        "circle-with-word",
        "percent-width",
        "short-viewbox",
        "no-size",
    ],
)
def test_an_svg_that_is_not_a_plain_drawing_is_refused(svg):
    assert refused(svg) == UNREADABLE


# Refused: a tap is not a signature ---------------------------------------------------------------


@pytest.mark.parametrize(
    "marks",
    [
        '<circle r="1.75" cx="500" cy="60" fill="black"></circle>',
        '<circle r="1.75" cx="500" cy="60" fill="black"></circle><circle r="1.75" cx="505" cy="62" fill="black"/>',
        '<path d="M 60.000,120.000 C 61.5,121.0 63.0,122.5 64.000,123.500" stroke-width="4" stroke="black" '
        'fill="none" stroke-linecap="round"></path>',
        '<line x1="600" y1="60" x2="606" y2="62" stroke="black" stroke-width="3.5" stroke-linecap="round"></line>',
    ],
    ids=["a-dot", "two-dots", "a-tiny-curve", "a-tiny-line"],
)
def test_a_stray_tap_is_too_small_to_be_a_signature(marks):
    assert refused(HEAD + marks + "</svg>") == TOO_SMALL


def test_ink_outside_the_allowlist_does_not_count():
    assert refused(HEAD + '<g><path d="M 0 0 L 500 200" stroke="black"/></g></svg>') == MISSING


# Helpers -----------------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _png_chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    chunks, position = [], 8
    while position < len(png):
        length = int.from_bytes(png[position : position + 4], "big")
        kind = png[position + 4 : position + 8]
        chunks.append((kind, png[position + 8 : position + 8 + length]))
        position += 12 + length
    return chunks


def _png_from_chunks(chunks) -> bytes:
    out = b"\x89PNG\r\n\x1a\n"
    for kind, data in chunks:
        out += len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")
    return out
