"""What the signature pad posts, checked and rebuilt before anything stores, shows or prints it.

static/js/signature.js posts two fields from signature_pad 5: `signature_svg` (`pad.toSVG()`) and
`signature_png` (`pad.toDataURL("image/png")`). Both come from the browser, so both are untrusted:

- the SVG is parsed with defusedxml (no DOCTYPE, no entities, no external references), refused if it
  carries anything active (script, foreignObject, event-handler attributes, href), and then rebuilt
  from an allowlist: only `path`, `circle` and `line` children of the root, only numeric geometry,
  only plain colours. What comes out is safe to put inline in a page and to hand to WeasyPrint;
- the PNG must be a base64 `data:image/png` URL whose bytes Pillow reads as a PNG of sensible size.

A pad with nothing drawn, or only a stray tap, is not a signature.
"""

import base64
import binascii
import io
import math
import re
import zlib
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _
from PIL import Image

MAX_SVG_BYTES = 256 * 1024
MAX_PNG_BYTES = 512 * 1024

# The drawn strokes must span at least this many SVG units (CSS pixels of the pad) across or down.
MIN_INK_EXTENT = 20
MIN_PNG_SIZE = (50, 20)
MAX_PNG_SIZE = (4000, 4000)
MAX_SVG_SIZE = 4000
MAX_COORDINATE = 100_000

SVG_NS = "http://www.w3.org/2000/svg"
PNG_PREFIX = "data:image/png;base64,"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# Elements that can run code or pull in another document: their presence alone refuses the signature.
ACTIVE_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}

NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
NUMBER_RE = re.compile(rf"^{NUMBER}$")
PATH_TOKEN_RE = re.compile(rf"[MmZzLlHhVvCcSsQqTtAa]|{NUMBER}")
PATH_SEPARATORS_RE = re.compile(r"^[\s,]*$")
# How many numbers each path command takes per repetition.
PATH_ARITY = {"m": 2, "l": 2, "t": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "a": 7, "z": 0}

HEX_COLOUR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
RGB_COLOUR_RE = re.compile(
    r"^rgba?\(\s*\d+(?:\.\d+)?%?(?:\s*[,\s]\s*\d+(?:\.\d+)?%?){2}(?:\s*[,/]\s*(?:\d+(?:\.\d+)?|\.\d+)%?)?\s*\)$"
)
NAMED_COLOUR_RE = re.compile(r"^[a-zA-Z]{1,30}$")
LINECAPS = {"butt", "round", "square"}
LINEJOINS = {"miter", "round", "bevel"}


class InvalidSignature(ValueError):
    """.message is a sentence a person reads beside the signature pad."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CleanSignature:
    svg: str  # re-serialised, allowlisted SVG (safe to embed in HTML and in WeasyPrint)
    png: bytes  # the decoded PNG bytes
    width: int  # the pad's size when signed, in CSS pixels (the SVG's width and height)
    height: int


def clean_signature(svg_text: str, png_data_url: str) -> CleanSignature:
    """The signature the pad posted, checked and rebuilt; InvalidSignature says what to do instead."""
    if not (svg_text or "").strip() or not (png_data_url or "").strip():
        raise InvalidSignature(_missing())
    svg, width, height = _clean_svg(svg_text.strip())
    png = _clean_png(png_data_url.strip())
    return CleanSignature(svg=svg, png=png, width=width, height=height)


def _missing() -> str:
    return _("Sign in the box with your finger before pressing Sign.")


def _unreadable() -> InvalidSignature:
    return InvalidSignature(_("This signature could not be read. Clear the box and sign again."))


def _too_large() -> InvalidSignature:
    return InvalidSignature(_("This signature is too large to save. Clear the box and sign again."))


def _too_small() -> InvalidSignature:
    return InvalidSignature(_("The signature is too small. Clear the box and sign your name across it."))


# SVG ---------------------------------------------------------------------------------------------


def _clean_svg(text: str) -> tuple[str, int, int]:
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise _unreadable() from None
    if size > MAX_SVG_BYTES:
        raise _too_large()
    # defusedxml refuses these too; refusing them before any parser sees them costs nothing.
    lowered = text.lower()
    if "<!doctype" in lowered or "<!entity" in lowered:
        raise _unreadable()
    try:
        root = fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError):
        raise _unreadable() from None

    if _local(root.tag) != "svg" or _namespace(root.tag) not in ("", SVG_NS):
        raise _unreadable()
    for element in root.iter():
        if not isinstance(element.tag, str) or _local(element.tag).lower() in ACTIVE_ELEMENTS:
            raise _unreadable()
        for name in element.attrib:
            local = _local(name).lower()
            if local.startswith("on") or local == "href":
                raise _unreadable()

    width, height, view_box = _svg_box(root.attrib)
    marks = []
    bounds = _Bounds()
    for child in root:
        if _namespace(child.tag) not in ("", SVG_NS):
            continue
        kind = _local(child.tag)
        if kind == "path":
            marks.append(_clean_path(child.attrib, bounds))
        elif kind == "circle":
            marks.append(_clean_circle(child.attrib, bounds))
        elif kind == "line":
            marks.append(_clean_line(child.attrib, bounds))
    if not marks:
        raise InvalidSignature(_missing())
    if bounds.extent() < MIN_INK_EXTENT:
        raise _too_small()

    head = (
        f'<svg xmlns="{SVG_NS}" width="{_fmt(width)}" height="{_fmt(height)}" '
        f'viewBox="{" ".join(_fmt(n) for n in view_box)}">'
    )
    return head + "".join(marks) + "</svg>", max(1, round(width)), max(1, round(height))


def _svg_box(attrib) -> tuple[float, float, list[float]]:
    width = _number(attrib["width"]) if "width" in attrib else None
    height = _number(attrib["height"]) if "height" in attrib else None
    view_box = None
    if "viewBox" in attrib:
        parts = [p for p in re.split(r"[\s,]+", attrib["viewBox"].strip()) if p]
        if len(parts) != 4:
            raise _unreadable()
        view_box = [_number(p) for p in parts]
        if view_box[2] <= 0 or view_box[3] <= 0:
            raise _unreadable()
    if width is None:
        width = view_box[2] if view_box else None
    if height is None:
        height = view_box[3] if view_box else None
    if width is None or height is None or not (0 < width <= MAX_SVG_SIZE and 0 < height <= MAX_SVG_SIZE):
        raise _unreadable()
    return width, height, view_box or [0, 0, width, height]


def _clean_path(attrib, bounds: "_Bounds") -> str:
    d = attrib.get("d", "")
    tokens = PATH_TOKEN_RE.findall(d)
    if not tokens or not PATH_SEPARATORS_RE.match(PATH_TOKEN_RE.sub(" ", d)):
        raise _unreadable()
    commands = _path_commands(tokens)
    _walk_path(commands, bounds)
    words = []
    for letter, numbers in commands:
        words.append(letter)
        words.extend(_fmt(n) for n in numbers)
    return f'<path d="{" ".join(words)}"{_paint(attrib)}/>'


def _path_commands(tokens: list[str]) -> list[tuple[str, list[float]]]:
    """[(command letter, its numbers)], refusing a path that does not start with a move or miscounts."""
    commands: list[tuple[str, list[float]]] = []
    for token in tokens:
        if token.isalpha():
            commands.append((token, []))
        elif not commands:
            raise _unreadable()
        else:
            commands[-1][1].append(_number(token))
    if commands[0][0] not in "Mm":
        raise _unreadable()
    for letter, numbers in commands:
        arity = PATH_ARITY[letter.lower()]
        if (arity == 0 and numbers) or (arity and (not numbers or len(numbers) % arity)):
            raise _unreadable()
    return commands


def _walk_path(commands: list[tuple[str, list[float]]], bounds: "_Bounds") -> None:
    """Adds every point the path passes through or bends towards (end and control points) to bounds."""
    x = y = start_x = start_y = 0.0
    for letter, numbers in commands:
        command = letter.lower()
        relative = letter.islower()
        arity = PATH_ARITY[command]
        if command == "z":
            x, y = start_x, start_y
            continue
        for i in range(0, len(numbers), arity):
            group = numbers[i : i + arity]
            base_x, base_y = (x, y) if relative else (0.0, 0.0)
            if command == "h":
                x = base_x + group[0]
            elif command == "v":
                y = base_y + group[0]
            elif command == "a":
                if group[3] not in (0, 1) or group[4] not in (0, 1):
                    raise _unreadable()
                x, y = base_x + group[5], base_y + group[6]
            else:
                for j in range(0, arity, 2):
                    bounds.add(base_x + group[j], base_y + group[j + 1])
                x, y = base_x + group[-2], base_y + group[-1]
            bounds.add(x, y)
            if command == "m" and i == 0:
                start_x, start_y = x, y


def _clean_circle(attrib, bounds: "_Bounds") -> str:
    try:
        cx, cy, r = (_number(attrib[name]) for name in ("cx", "cy", "r"))
    except KeyError:
        raise _unreadable() from None
    if r < 0:
        raise _unreadable()
    bounds.add(cx - r, cy - r)
    bounds.add(cx + r, cy + r)
    return f'<circle cx="{_fmt(cx)}" cy="{_fmt(cy)}" r="{_fmt(r)}"{_paint(attrib)}/>'


def _clean_line(attrib, bounds: "_Bounds") -> str:
    # signature_pad 5 draws a stroke of exactly two points as a <line>.
    try:
        x1, y1, x2, y2 = (_number(attrib[name]) for name in ("x1", "y1", "x2", "y2"))
    except KeyError:
        raise _unreadable() from None
    bounds.add(x1, y1)
    bounds.add(x2, y2)
    return f'<line x1="{_fmt(x1)}" y1="{_fmt(y1)}" x2="{_fmt(x2)}" y2="{_fmt(y2)}"{_paint(attrib)}/>'


def _paint(attrib) -> str:
    """The allowlisted presentation attributes, each as ` name="value"`; anything else is dropped."""
    kept = []
    for name in ("fill", "stroke"):
        colour = _colour(attrib.get(name))
        if colour:
            kept.append(f' {name}="{colour}"')
    if "stroke-width" in attrib:
        try:
            stroke_width = _number(attrib["stroke-width"])
        except InvalidSignature:
            stroke_width = -1
        if 0 <= stroke_width <= 100:
            kept.append(f' stroke-width="{_fmt(stroke_width)}"')
    if attrib.get("stroke-linecap") in LINECAPS:
        kept.append(f' stroke-linecap="{attrib["stroke-linecap"]}"')
    if attrib.get("stroke-linejoin") in LINEJOINS:
        kept.append(f' stroke-linejoin="{attrib["stroke-linejoin"]}"')
    return "".join(kept)


def _colour(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > 40:  # no colour is longer; and the regular expressions below never see a long string
        return None
    if HEX_COLOUR_RE.match(value) or NAMED_COLOUR_RE.match(value):
        return value
    if RGB_COLOUR_RE.match(value):
        return re.sub(r"\s+", " ", value)
    return None


class _Bounds:
    def __init__(self):
        self.min_x = self.min_y = math.inf
        self.max_x = self.max_y = -math.inf

    def add(self, x: float, y: float) -> None:
        self.min_x, self.max_x = min(self.min_x, x), max(self.max_x, x)
        self.min_y, self.max_y = min(self.min_y, y), max(self.max_y, y)

    def extent(self) -> float:
        if self.min_x == math.inf:
            return 0.0
        return max(self.max_x - self.min_x, self.max_y - self.min_y)


def _number(text: str) -> float:
    text = text.strip()
    if not NUMBER_RE.match(text):
        raise _unreadable()
    value = float(text)
    if not math.isfinite(value) or abs(value) > MAX_COORDINATE:
        raise _unreadable()
    return value


def _fmt(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


# PNG ---------------------------------------------------------------------------------------------


def _clean_png(data_url: str) -> bytes:
    if data_url[: len(PNG_PREFIX)].lower() != PNG_PREFIX:
        raise _unreadable()
    encoded = data_url[len(PNG_PREFIX) :]
    if len(encoded) > (MAX_PNG_BYTES + 2) // 3 * 4:
        raise _too_large()
    try:
        png = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise _unreadable() from None
    if len(png) > MAX_PNG_BYTES:
        raise _too_large()
    if not png.startswith(PNG_MAGIC):
        raise _unreadable()
    try:
        with Image.open(io.BytesIO(png)) as image:
            if image.format != "PNG":
                raise _unreadable()
            width, height = image.size
            if not (MIN_PNG_SIZE[0] <= width <= MAX_PNG_SIZE[0] and MIN_PNG_SIZE[1] <= height <= MAX_PNG_SIZE[1]):
                raise _unreadable()
            image.verify()
        # verify() checks the chunks' CRCs, not the compressed pixels inside them. Pillow's load() would,
        # but not once WeasyPrint is imported: it sets ImageFile.LOAD_TRUNCATED_IMAGES for the process.
        if not _pixels_inflate(png, limit=(width * 8 + 1) * height * 2):
            raise _unreadable()
        with Image.open(io.BytesIO(png)) as image:
            image.load()
            blank = "A" in image.getbands() and image.getchannel("A").getbbox() is None
    except InvalidSignature:
        raise
    except Exception:  # Pillow raises many kinds (OSError, SyntaxError, zlib.error, struct.error …)
        raise _unreadable() from None
    if blank:
        raise InvalidSignature(_missing())
    return png


def _pixels_inflate(png: bytes, limit: int) -> bool:
    """Whether the IDAT chunks hold one complete zlib stream of at most `limit` bytes (zlib.error if corrupt)."""
    inflater = zlib.decompressobj()
    inflated = 0
    position = len(PNG_MAGIC)
    while position + 8 <= len(png):
        length = int.from_bytes(png[position : position + 4], "big")
        kind = png[position + 4 : position + 8]
        if kind == b"IEND":
            break
        if kind == b"IDAT":
            data = png[position + 8 : position + 8 + length]
            while data:
                inflated += len(inflater.decompress(data, 1 << 20))
                if inflated > limit:
                    return False
                data = inflater.unconsumed_tail
        position += 12 + length
    return inflater.eof
