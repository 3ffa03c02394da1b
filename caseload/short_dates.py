"""Dates in the active language's SHORT_DATE_FORMAT, for pages that show many of them.

Django's `dateformat.format` builds a formatter object for every date: on My caseload (50 clients,
about 125 due items) that was two thirds of the time spent building the rows. `ShortDates` turns the
pattern into one `str.format` template when it holds only days, months and years (d, j, m, n, Y, M,
F: the short formats of every language the product speaks), formats each distinct date once, and
otherwise falls back to Django. The output is Django's own, character for character (tests/caseload/test_short_dates.py).

A datetime is shown as the agency's local date, as the `date` filter does in templates.
"""

from datetime import date, datetime
from functools import lru_cache

from django.utils import timezone
from django.utils.dateformat import format as django_format
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.formats import get_format
from django.utils.translation import get_language

# Django's codes, as str.format fields: {0} is the date, {1} the month's abbreviation, {2} its name.
CODES = {
    "d": "{0.day:02d}", "j": "{0.day}", "m": "{0.month:02d}", "n": "{0.month}", "Y": "{0.year:04d}",
    "M": "{1}", "F": "{2}",
}


# With a time of day (ShortDateTimes): 24-hour hours and minutes, the only ones the short formats use.
TIME_CODES = {**CODES, "H": "{0.hour:02d}", "G": "{0.hour}", "i": "{0.minute:02d}"}


def compile_pattern(pattern: str, codes: dict = CODES) -> str | None:
    """A `str.format` template equal to Django's rendering of `pattern`, or None when it needs Django."""
    parts = []
    for char in pattern:
        if char in codes:
            parts.append(codes[char])
        elif char.isalpha() or char == "\\":
            return None  # days of the week, two-digit years, escapes …: left to Django
        else:
            parts.append(char.replace("{", "{{").replace("}", "}}"))
    return "".join(parts)


@lru_cache(maxsize=32)
def _month_names(language: str | None) -> tuple[dict, dict]:
    """`language`'s month abbreviations and names, as Django's M and F give them: 24 catalogue lookups, made once.

    `language` is the active one; it is the key because the names are translated.
    """
    abbreviations = {number: str(name).title() for number, name in MONTHS_3.items()}
    names = {number: str(name) for number, name in MONTHS.items()}
    return abbreviations, names


class _CompiledFormat:
    """A format of the active language compiled once, with the language's month names."""

    codes = CODES

    def __init__(self, format_name: str):
        self.pattern = get_format(format_name)
        self.template = compile_pattern(self.pattern, self.codes)
        self.abbreviations, self.names = _month_names(get_language())

    def _format(self, value) -> str:
        if self.template is None:
            return django_format(value, self.pattern)
        return self.template.format(value, self.abbreviations[value.month], self.names[value.month])


class ShortDates(_CompiledFormat):
    """Call with a date or datetime; the active language's short date comes back, each date worked out once."""

    def __init__(self, format_name: str = "SHORT_DATE_FORMAT"):
        super().__init__(format_name)
        self.seen: dict[date, str] = {}

    def __call__(self, value: date | datetime) -> str:
        if isinstance(value, datetime):
            value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
        text = self.seen.get(value)
        if text is None:
            text = self.seen[value] = self._format(value)
        return text


class ShortDateTimes(_CompiledFormat):
    """Call with a datetime; the active language's SHORT_DATETIME_FORMAT of it in the agency's time, as the `date` filter gives it.

    The pattern is compiled once (days, months, years, 24-hour hours and minutes; anything else is left to Django).
    """

    codes = TIME_CODES

    def __init__(self, format_name: str = "SHORT_DATETIME_FORMAT"):
        super().__init__(format_name)

    def __call__(self, value: datetime) -> str:
        return self._format(timezone.localtime(value) if timezone.is_aware(value) else value)
