"""Which language a scored instrument is given in.

Every definition in assessments/instruments/definitions/ holds the published English original. A
scored instrument is valid only in its original wording or a validated translation, so the pages do
not translate the questions: where the staff member's language or the client's preferred language is
another one, they show the original with a note saying so (see docs/decisions.md).
"""

from django.utils import translation
from django.utils.translation import get_language_info

ORIGINAL_LANGUAGE = "en"
# Languages that write the names of languages in lower case inside a sentence ("en français").
LOWER_CASE_LANGUAGE_NAMES = {"da", "fr", "ca"}


def languages_without_translation(client) -> list[str]:
    """Names (in the page's language) of the languages at hand that the instrument has no validated translation in."""
    codes: list[str] = []
    for code in (translation.get_language(), client.preferred_language):
        base = (code or ORIGINAL_LANGUAGE).lower().split("-")[0]
        if base != ORIGINAL_LANGUAGE and base not in codes:
            codes.append(base)
    names = []
    for code in codes:
        try:
            name = str(get_language_info(code)["name_translated"])
        except KeyError:
            name = code
        names.append(name.lower() if translation.get_language() in LOWER_CASE_LANGUAGE_NAMES else name)
    return names
