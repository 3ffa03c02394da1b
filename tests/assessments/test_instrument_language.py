"""A scored instrument is shown in its original wording, with a note, wherever the staff member's or
the client's language is one the instrument has no validated translation in (docs/decisions.md)."""

import pytest

from tests.assessments.test_administer import PHQ9_16, post_instrument

FORM = "/assessments/clients/{}/instruments/phq9/"


def test_it_says_the_original_is_shown_to_an_english_speaker_giving_it_to_a_danish_client(login, case_manager, client_a):
    assert client_a.preferred_language == "da"
    page = login(case_manager).get(FORM.format(client_a.pk)).content.decode()
    assert "No validated Danish translation of this instrument is available; the original English wording is shown." in page
    assert "Little interest or pleasure in doing things" in page


def test_it_shows_no_note_when_both_read_the_original(login, case_manager, client_a):
    client_a.preferred_language = "en"
    client_a.save()
    page = login(case_manager).get(FORM.format(client_a.pk)).content.decode()
    assert "No validated" not in page


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("da", "Der findes ingen valideret dansk oversættelse af dette redskab her"),
        ("fr", "Aucune traduction validée en français de cet instrument n’est disponible"),
        ("ca", "No hi ha cap traducció validada d’aquest instrument al català"),
    ],
)
def test_a_colleague_working_in_another_language_sees_the_original_questions_and_the_note(
    login, case_manager, client_a, language, note
):
    case_manager.language = language
    case_manager.save()
    client_a.preferred_language = language
    client_a.save()
    browser = login(case_manager)
    page = browser.get(FORM.format(client_a.pk)).content.decode()
    assert note in page.replace("&#x27;", "’").replace("'", "’")
    # The questions and answers stay word for word as published, marked as English for screen readers.
    assert '<span lang="en">Little interest or pleasure in doing things</span>' in page
    assert '<span lang="en">Several days</span>' in page
    result = browser.get(post_instrument(browser, client_a, "phq9", {**PHQ9_16, "9": 0, "8": 2}).url).content.decode()
    assert note in result.replace("&#x27;", "’").replace("'", "’")
