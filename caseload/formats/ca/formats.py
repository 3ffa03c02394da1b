# Catalan dates as Django writes them for Catalan ("2 abril de 1989", "02/04/1989"); the same input formats as
# English, so a date typed on any language's page is read the same way.
from caseload.formats.en.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS, FIRST_DAY_OF_WEEK  # noqa: F401

DATE_FORMAT = r"j E \d\e Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = r"j E \d\e Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y, H:i"
TIME_FORMAT = "H:i"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
