"""Short dates on the row-built pages are Django's own, in every language, and the agency's local day."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone, translation
from django.utils.dateformat import format as django_format
from django.utils.formats import get_format

from caseload.short_dates import TIME_CODES, ShortDates, ShortDateTimes, compile_pattern

DAYS = [date(1931, 2, 28), date(1999, 12, 31), date(2000, 1, 1), date(2026, 7, 4), date(2026, 11, 23)]


@pytest.mark.parametrize("language", ["en", "da", "ca", "fr"])
def test_each_language_gets_djangos_short_date_to_the_character(language):
    with translation.override(language):
        short_date = ShortDates()
        assert short_date.template is not None, "every language the product speaks has a short date made of days, months and years"
        for day in DAYS:
            assert short_date(day) == django_format(day, get_format("SHORT_DATE_FORMAT"))
            assert short_date(day) == short_date(day)  # the second time from what was worked out the first


@pytest.mark.parametrize(
    ("pattern", "compiled"),
    [("d.m.Y", True), ("j/n/Y", True), ("Y-m-d", True), ("d {m} Y", True), ("j. F Y", True), ("j M Y", True),
     ("D d M", False), (r"d\.m\.Y", False), ("y-m-d", False)],
)
def test_a_pattern_renders_as_django_renders_it_compiled_or_not(pattern, compiled):
    assert (compile_pattern(pattern) is not None) == compiled
    for language in ("en", "da", "fr", "ca"):
        with translation.override(language):
            short_date = ShortDates()
            short_date.pattern, short_date.template = pattern, compile_pattern(pattern)
            assert [short_date(day) for day in DAYS] == [django_format(day, pattern) for day in DAYS]


def test_a_moment_is_shown_as_the_agencys_local_day(settings):
    settings.TIME_ZONE = "Europe/Copenhagen"
    late_evening_utc = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)  # already the 24th in Copenhagen
    with translation.override("da"):
        assert ShortDates()(late_evening_utc) == "24.11.2026"
        assert ShortDates()(late_evening_utc - timedelta(minutes=30)) == "24.11.2026"  # midnight there
        assert ShortDates()(late_evening_utc - timedelta(minutes=31)) == "23.11.2026"


MOMENTS = [datetime(2026, 3, 29, 0, 59, tzinfo=UTC), datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # clocks forward there
           datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # and back
           datetime(2026, 11, 23, 23, 5, tzinfo=UTC), datetime(1999, 12, 31, 9, 7, tzinfo=UTC)]


@pytest.mark.parametrize("language", ["en", "da", "ca", "fr"])
def test_each_language_gets_djangos_short_datetime_in_agency_time(language, settings):
    settings.TIME_ZONE = "Europe/Copenhagen"
    with translation.override(language):
        short = ShortDateTimes()
        assert short.template is not None
        for moment in MOMENTS:
            assert short(moment) == django_format(timezone.localtime(moment), get_format("SHORT_DATETIME_FORMAT"))


@pytest.mark.parametrize(("pattern", "compiled"), [("j M Y, H:i", True), ("d.m.Y G:i", True), ("m/d/Y P", False), ("j M Y, h:i A", False)])
def test_a_datetime_pattern_renders_as_django_renders_it_compiled_or_not(pattern, compiled):
    assert (compile_pattern(pattern, TIME_CODES) is not None) == compiled
    with translation.override("da"):
        short = ShortDateTimes()
        short.pattern, short.template = pattern, compile_pattern(pattern, TIME_CODES)
        assert [short(moment) for moment in MOMENTS] == [django_format(timezone.localtime(moment), pattern) for moment in MOMENTS]
