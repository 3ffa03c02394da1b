"""The da, ca and fr catalogues are complete and in step with the code.

When one of these fails after new strings were added: run `make messages` (manage.py
update_catalogues), translate the new empty entries in locale/<language>/LC_MESSAGES/django.po,
and run `make messages` again to compile them.
"""

import gettext
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from caseload.catalogues import TRANSLATED_LANGUAGES, catalogue_path, extract, placeholders, read_po

LANGUAGES = pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """The messages of the code as they are now, extracted into a temporary folder."""
    target = tmp_path_factory.mktemp("fresh-locale")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(settings.BASE_DIR)
        extract(target)
    return target


def _described(keys):
    return "\n".join(f"  {msgid!r}" + (f" (context {context!r})" if context else "") for context, msgid, _ in sorted(keys, key=str))


@pytest.mark.gettext
@LANGUAGES
def test_it_has_every_message_of_the_code_and_no_other(fresh, language):
    code = {entry.key for entry in read_po(catalogue_path(language, fresh))}
    committed = {entry.key for entry in read_po(catalogue_path(language))}
    assert len(code) > 500  # the extraction found the product's strings
    missing, stale = code - committed, committed - code
    assert not missing, f"locale/{language} lacks these messages (run `make messages` and translate):\n" + _described(missing)
    assert not stale, f"locale/{language} has messages the code no longer uses (run `make messages`):\n" + _described(stale)


@LANGUAGES
def test_it_has_a_translation_for_every_message_and_none_fuzzy(language):
    entries = read_po(catalogue_path(language))
    untranslated = [entry.msgid for entry in entries if not all(entry.msgstr) or not entry.msgstr]
    fuzzy = [entry.msgid for entry in entries if "fuzzy" in entry.flags]
    assert not untranslated, f"locale/{language}: untranslated: {untranslated[:20]}"
    assert not fuzzy, f"locale/{language}: fuzzy: {fuzzy[:20]}"


@LANGUAGES
def test_it_keeps_every_placeholder(language):
    wrong = []
    for entry in read_po(catalogue_path(language)):
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        for index, text in enumerate(entry.msgstr):
            expected = placeholders(sources[min(index, len(sources) - 1)])
            found = placeholders(text)
            # A plural form for "one" may leave the count out ("Et barn"), never add or rename one.
            if found != expected and not (entry.msgid_plural and set(found) <= set(placeholders(entry.msgid_plural))):
                wrong.append((entry.msgid, text))
    assert not wrong, f"locale/{language}: placeholders differ: {wrong[:10]}"


@pytest.mark.gettext
@LANGUAGES
def test_it_passes_msgfmt_checks_and_the_committed_mo_is_compiled_from_the_po(language, tmp_path):
    po = catalogue_path(language)
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(po)], check=True, capture_output=True, text=True)
    with compiled.open("rb") as fresh_file, po.with_suffix(".mo").open("rb") as committed_file:
        fresh_catalog = gettext.GNUTranslations(fresh_file)._catalog
        committed_catalog = gettext.GNUTranslations(committed_file)._catalog
    assert committed_catalog == fresh_catalog, f"locale/{language}/LC_MESSAGES/django.mo is out of date: run `make messages`"


@pytest.mark.parametrize(
    ("language", "expected"), [("da", "Mine opgaver"), ("ca", "Les meves tasques"), ("fr", "Mes tâches")]
)
def test_it_shows_the_committed_translations_without_gettext_installed(language, expected):
    assert Path(catalogue_path(language).with_suffix(".mo")).exists()
    with translation.override(language):
        assert translation.gettext("My tasks") == expected
