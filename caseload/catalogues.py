"""The translation catalogues in locale/: how they are extracted, and how they are read back.

`manage.py update_catalogues` and the freshness test (tests/test_catalogues.py) extract with the same
options from here, so the test fails exactly when running the command would change a catalogue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

TRANSLATED_LANGUAGES = ["da", "ca", "fr"]
# Folders whose strings no user sees (tests, the benchmark, vendored libraries, collected static files).
IGNORE = ["tests/*", "bench/*", "docs/*", "static/vendor/*", "staticfiles/*", "private-files/*", "locale/*"]
MAKEMESSAGES_OPTIONS = {
    "locale": TRANSLATED_LANGUAGES,
    "ignore_patterns": IGNORE,
    # No file:line comments: they change with every edit elsewhere and make merges conflict.
    "no_location": True,
    "no_obsolete": True,
    "verbosity": 0,
}


def catalogue_path(language: str, base: Path | None = None) -> Path:
    return (base or Path(settings.LOCALE_PATHS[0])) / language / "LC_MESSAGES" / "django.po"


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)


_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), "".join(_STRING.findall(text)))


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file, the header (msgid "") left out."""
    entries: list[Entry] = []
    entry = Entry()
    current: str | None = None
    started = False

    def finish():
        nonlocal entry, started
        if started and entry.msgid:
            entries.append(entry)
        entry, started = Entry(), False

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#~"):
            entry.obsolete = True
            line = line[2:].strip()
            if not line:
                continue
        if not line:
            finish()
            continue
        if line.startswith("#,"):
            if started:
                finish()
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _space, rest = line.partition(" ")
        if keyword == "msgctxt" or (keyword == "msgid" and (entry.msgstr or current == "msgstr")):
            if entry.msgstr:
                obsolete, flags = entry.obsolete, set()
                finish()
                entry.obsolete, entry.flags = obsolete, flags
        if keyword in ("msgctxt", "msgid", "msgid_plural") or keyword.startswith("msgstr"):
            started = True
            current = keyword
            value = _unquote(rest)
            if keyword == "msgctxt":
                entry.msgctxt = value
            elif keyword == "msgid":
                entry.msgid = value
            elif keyword == "msgid_plural":
                entry.msgid_plural = value
            else:
                entry.msgstr.append(value)
        elif line.startswith('"') and current:
            value = _unquote(line)
            if current == "msgctxt":
                entry.msgctxt = (entry.msgctxt or "") + value
            elif current == "msgid":
                entry.msgid += value
            elif current == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + value
            else:
                entry.msgstr[-1] += value
    finish()
    return [entry for entry in entries if not entry.obsolete]


PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%[sdfr]|\{\w*\}")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def extract(target: Path) -> None:
    """Extract the messages of the code afresh into target/<language>/LC_MESSAGES/django.po (run from BASE_DIR).

    Django's makemessages with the options of `update_catalogues`, every file's messages sent to
    `target` instead of locale/, so the committed catalogues are left as they are.
    """
    from django.core.management import call_command
    from django.core.management.commands.makemessages import Command as MakeMessages
    from django.core.management.commands.makemessages import TranslatableFile

    class ExtractInto(MakeMessages):
        def find_files(self, root):
            found = [TranslatableFile(f.dirpath, f.file, str(target)) for f in super().find_files(root)]
            self.locale_paths = [str(target)]  # where the .pot is gathered and the .po files are written
            return found

    call_command(ExtractInto(), **MAKEMESSAGES_OPTIONS)
