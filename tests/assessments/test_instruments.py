"""The scored screening instruments: published bands, skip logic, risk findings and definition checks."""

import json
import shutil
from pathlib import Path

import pytest

from assessments.instruments import (
    DEFINITIONS_DIR,
    Band,
    InvalidAnswer,
    InvalidDefinition,
    UnknownInstrument,
    all_instruments,
    get_instrument,
    load_definition,
    load_definitions,
)

PHQ9_SIXTEEN = {"1": 2, "2": 2, "3": 2, "4": 2, "5": 2, "6": 2, "7": 2, "8": 1, "9": 1}
CSSRS_ALL_NO = {"1": 0, "2": 0, "6": 0}


def answers_totalling(code: str, total: int) -> dict[str, int]:
    """Answers to every scored item of a sum instrument that add up to ``total``."""
    answers = {}
    remaining = total
    for item in get_instrument(code).items:
        if not item.scored:
            continue
        wanted = min(remaining, item.max_points)
        answers[item.key] = next(value for value in item.values if item.points(value) == wanted)
        remaining -= wanted
    assert remaining == 0, f"{code} cannot reach {total}"
    return answers


def test_it_loads_every_definition():
    assert [instrument.code for instrument in all_instruments()] == ["auditc", "cssrs", "dast10", "gad7", "phq9"]
    phq9 = get_instrument("phq9")
    assert (phq9.name, phq9.short_name, phq9.max_total) == ("Patient Health Questionnaire-9", "PHQ-9", 27)
    assert phq9.instructions.startswith("Over the last 2 weeks")
    assert phq9.items[0].options == (
        (0, "Not at all"),
        (1, "Several days"),
        (2, "More than half the days"),
        (3, "Nearly every day"),
    )


def test_it_gives_the_published_maximum_totals():
    assert {i.code: i.max_total for i in all_instruments()} == {
        "phq9": 27,
        "gad7": 21,
        "cssrs": None,
        "auditc": 12,
        "dast10": 10,
    }


def test_it_raises_unknown_instrument_for_an_unknown_code():
    with pytest.raises(UnknownInstrument, match="'phq8'"):
        get_instrument("phq8")


@pytest.mark.parametrize(
    "code, sex, total, label, severity",
    [
        ("phq9", "not_stated", 0, "Minimal or none", "none"),
        ("phq9", "not_stated", 4, "Minimal or none", "none"),
        ("phq9", "not_stated", 5, "Mild", "mild"),
        ("phq9", "not_stated", 9, "Mild", "mild"),
        ("phq9", "not_stated", 10, "Moderate", "moderate"),
        ("phq9", "not_stated", 14, "Moderate", "moderate"),
        ("phq9", "not_stated", 15, "Moderately severe", "moderately_severe"),
        ("phq9", "not_stated", 19, "Moderately severe", "moderately_severe"),
        ("phq9", "not_stated", 20, "Severe", "severe"),
        ("phq9", "not_stated", 27, "Severe", "severe"),
        ("gad7", "not_stated", 0, "Minimal", "none"),
        ("gad7", "not_stated", 4, "Minimal", "none"),
        ("gad7", "not_stated", 5, "Mild", "mild"),
        ("gad7", "not_stated", 9, "Mild", "mild"),
        ("gad7", "not_stated", 10, "Moderate", "moderate"),
        ("gad7", "not_stated", 14, "Moderate", "moderate"),
        ("gad7", "not_stated", 15, "Severe", "severe"),
        ("gad7", "not_stated", 21, "Severe", "severe"),
        ("auditc", "male", 0, "Negative screen", "negative"),
        ("auditc", "male", 3, "Negative screen", "negative"),
        ("auditc", "male", 4, "Positive screen", "positive"),
        ("auditc", "male", 12, "Positive screen", "positive"),
        ("auditc", "female", 0, "Negative screen", "negative"),
        ("auditc", "female", 2, "Negative screen", "negative"),
        ("auditc", "female", 3, "Positive screen", "positive"),
        ("auditc", "female", 12, "Positive screen", "positive"),
        ("auditc", "intersex", 2, "Negative screen", "negative"),
        ("auditc", "intersex", 3, "Positive screen", "positive"),
        ("auditc", "not_stated", 2, "Negative screen", "negative"),
        ("auditc", "not_stated", 3, "Positive screen", "positive"),
        ("dast10", "not_stated", 0, "No problems reported", "none"),
        ("dast10", "not_stated", 1, "Low level", "low"),
        ("dast10", "not_stated", 2, "Low level", "low"),
        ("dast10", "not_stated", 3, "Moderate level", "moderate"),
        ("dast10", "not_stated", 5, "Moderate level", "moderate"),
        ("dast10", "not_stated", 6, "Substantial level", "substantial"),
        ("dast10", "not_stated", 8, "Substantial level", "substantial"),
        ("dast10", "not_stated", 9, "Severe level", "severe"),
        ("dast10", "not_stated", 10, "Severe level", "severe"),
    ],
)
def test_it_places_every_band_edge(code, sex, total, label, severity):
    result = get_instrument(code).score(answers_totalling(code, total), sex=sex)

    assert result.complete
    assert (result.total, result.band_label, result.severity) == (total, label, severity)
    assert result.summary == f"{total} — {label}"


def test_it_scores_the_published_phq9_example():
    result = get_instrument("phq9").score(PHQ9_SIXTEEN)

    assert result.total == 16
    assert result.band_label == "Moderately severe"
    assert result.summary == "16 — Moderately severe"


def test_it_never_gives_a_partial_total():
    answers = {key: 3 for key in ("1", "2", "4", "5", "6", "8", "9")}

    result = get_instrument("phq9").score(answers)

    assert not result.complete
    assert result.missing == ["3", "7"]
    assert (result.total, result.band_label, result.severity) == (None, None, None)
    assert result.summary == "Incomplete: items 3, 7 not answered"


def test_it_treats_none_as_not_answered():
    result = get_instrument("gad7").score({"1": 1, "2": None})

    assert result.missing == ["2", "3", "4", "5", "6", "7"]
    assert result.total is None


def test_it_does_not_require_the_difficulty_question_or_count_it():
    phq9 = get_instrument("phq9")

    without = phq9.score(PHQ9_SIXTEEN)
    with_difficulty = phq9.score({**PHQ9_SIXTEEN, "difficulty": 3})

    assert without.complete and with_difficulty.complete
    assert without.total == with_difficulty.total == 16
    assert phq9.item("difficulty").scored is False
    assert phq9.item("difficulty").label(2) == "Very difficult"
    assert get_instrument("gad7").score({**answers_totalling("gad7", 7), "difficulty": 1}).total == 7


def test_it_reports_phq9_item_9_as_a_risk_finding():
    result = get_instrument("phq9").score({**answers_totalling("phq9", 0), "9": 1})

    assert result.total == 1
    assert result.risk_findings == [
        "PHQ-9 item 9 (thoughts that you would be better off dead or of hurting yourself) answered 'Several days'"
    ]


def test_it_reports_phq9_item_9_even_before_the_form_is_finished():
    result = get_instrument("phq9").score({"9": 3})

    assert not result.complete
    assert result.risk_findings == [
        "PHQ-9 item 9 (thoughts that you would be better off dead or of hurting yourself) answered 'Nearly every day'"
    ]
    assert "Risk findings are from the items answered so far." in result.notes


def test_it_finds_no_risk_when_phq9_item_9_is_not_at_all():
    result = get_instrument("phq9").score(answers_totalling("phq9", 27) | {"9": 0})

    assert result.risk_findings == []
    assert get_instrument("gad7").score(answers_totalling("gad7", 21)).risk_findings == []


def test_it_scores_the_published_auditc_examples():
    auditc = get_instrument("auditc")
    five = {"1": 3, "2": 1, "3": 1}
    three = {"1": 2, "2": 0, "3": 1}

    assert auditc.score(five, sex="male").band_label == "Positive screen"
    assert auditc.score(three, sex="female").severity == "positive"
    assert auditc.score(three, sex="male").severity == "negative"


def test_it_uses_the_lower_auditc_cut_off_and_says_so_when_sex_is_intersex_or_not_stated():
    auditc = get_instrument("auditc")
    three = {"1": 2, "2": 0, "3": 1}

    not_stated = auditc.score(three)
    intersex = auditc.score(three, sex="intersex")

    assert not_stated.severity == intersex.severity == "positive"
    assert not_stated.notes == [
        "Cut-off for women (3 or more) used: sex not stated, and the lower cut-off is the more sensitive one."
    ]
    assert "intersex" in intersex.notes[0]
    assert auditc.score(three, sex="female").notes == []
    assert auditc.score(three, sex="male").notes == []


def test_it_draws_auditc_bands_by_sex():
    auditc = get_instrument("auditc")

    assert auditc.bands("male") == [
        Band(0, 3, "Negative screen", "negative"),
        Band(4, 12, "Positive screen", "positive"),
    ]
    assert auditc.bands("female")[1].low == 3
    assert auditc.bands() == auditc.bands("intersex") == auditc.bands("female")


def test_it_notes_when_every_auditc_point_comes_from_how_often():
    result = get_instrument("auditc").score({"1": 4, "2": 0, "3": 0}, sex="male")

    assert result.severity == "positive"
    assert result.notes == [
        "All points come from item 1 (how often): the client may be drinking within recommended limits; "
        "review their drinking over the past few months to confirm."
    ]


def test_it_rejects_an_unknown_sex():
    with pytest.raises(ValueError, match="Unknown sex 'm'"):
        get_instrument("auditc").score({"1": 0, "2": 0, "3": 0}, sex="m")


def test_it_reverse_scores_dast10_item_3():
    dast10 = get_instrument("dast10")
    all_no = {str(n): 0 for n in range(1, 11)}

    # Answering No to "Are you always able to stop using drugs when you want to?" scores a point.
    assert dast10.score(all_no).total == 1
    assert dast10.score(all_no | {"3": 1}).total == 0
    assert dast10.score(all_no | {"3": 1}).band_label == "No problems reported"
    all_yes = {str(n): 1 for n in range(1, 11)}
    assert dast10.score(all_yes).total == 9
    assert dast10.score(all_yes | {"3": 0}).total == 10
    assert dast10.item("3").reverse and not dast10.item("4").reverse


def test_it_marks_substance_use_instruments_as_protected():
    assert {i.code: i.protected_substance_use for i in all_instruments()} == {
        "phq9": False,
        "gad7": False,
        "cssrs": False,
        "auditc": True,
        "dast10": True,
    }


def test_it_gives_the_default_reassessment_intervals():
    assert {i.code: i.reassess_days for i in all_instruments()} == {
        "phq9": 30,
        "gad7": 30,
        "cssrs": 30,
        "auditc": 90,
        "dast10": 90,
    }


def test_it_finds_moderate_risk_for_the_published_cssrs_example():
    result = get_instrument("cssrs").score({"1": 1, "2": 1, "3": 1, "4": 0, "5": 0, "6": 0})

    assert result.complete
    assert (result.total, result.band_label, result.severity) == (None, "Moderate risk", "moderate")
    assert result.summary == "Moderate risk"
    assert result.risk_findings == [
        "C-SSRS screen: Moderate risk — Q3 Yes: suicidal thoughts with method, "
        "without specific plan or intent to act (past month)"
    ]


def test_it_skips_cssrs_questions_3_to_5_when_question_2_is_no():
    cssrs = get_instrument("cssrs")

    assert [item.key for item in cssrs.items_to_ask({"1": 1, "2": 0})] == ["1", "2", "6"]
    assert [item.key for item in cssrs.items_to_ask({"1": 1, "2": 1})] == ["1", "2", "3", "4", "5", "6"]
    result = cssrs.score({"1": 1, "2": 0, "6": 0})
    assert result.complete
    assert result.severity == "low"
    assert result.risk_findings == []


def test_it_asks_cssrs_questions_3_to_5_only_once_question_2_is_answered():
    cssrs = get_instrument("cssrs")

    assert [item.key for item in cssrs.items_to_ask({})] == ["1", "2", "6"]
    assert cssrs.score({"1": 0}).missing == ["2", "6"]
    assert cssrs.score({"1": 0, "2": 1, "6": 0}).missing == ["3", "4", "5"]


def test_it_asks_when_cssrs_behaviour_was_only_if_there_was_any():
    cssrs = get_instrument("cssrs")

    assert "6b" not in [item.key for item in cssrs.items_to_ask(CSSRS_ALL_NO)]
    assert cssrs.score(CSSRS_ALL_NO | {"6": 1}).missing == ["6b"]


def test_it_finds_high_risk_for_recent_cssrs_behaviour():
    result = get_instrument("cssrs").score(CSSRS_ALL_NO | {"6": 1, "6b": 1})

    assert result.severity == "high"
    assert result.band_label == "High risk"
    assert result.risk_findings == ["C-SSRS screen: High risk — Q6 Yes: suicidal behaviour within the past 3 months"]


def test_it_finds_moderate_risk_for_cssrs_behaviour_longer_ago():
    result = get_instrument("cssrs").score(CSSRS_ALL_NO | {"6": 1, "6b": 0})

    assert result.severity == "moderate"
    assert result.risk_findings == ["C-SSRS screen: Moderate risk — Q6 Yes: suicidal behaviour at some time in life"]


@pytest.mark.parametrize("item", ["4", "5"])
def test_it_finds_high_risk_for_cssrs_intent(item):
    answers = {"1": 1, "2": 1, "3": 0, "4": 0, "5": 0, "6": 0} | {item: 1}

    result = get_instrument("cssrs").score(answers)

    assert result.severity == "high"
    assert len(result.risk_findings) == 1


@pytest.mark.parametrize(
    "answers, severity, label",
    [
        (CSSRS_ALL_NO, "none", "No risk identified"),
        (CSSRS_ALL_NO | {"1": 1}, "low", "Low risk"),
        ({"1": 0, "2": 1, "3": 0, "4": 0, "5": 0, "6": 0}, "low", "Low risk"),
    ],
)
def test_it_finds_no_cssrs_risk_finding_below_moderate(answers, severity, label):
    result = get_instrument("cssrs").score(answers)

    assert (result.severity, result.band_label, result.summary) == (severity, label, label)
    assert result.risk_findings == []


def test_it_has_no_bands_or_total_for_the_cssrs():
    cssrs = get_instrument("cssrs")

    assert cssrs.bands() == []
    assert cssrs.max_total is None
    assert [level.label for level in cssrs.levels] == ["No risk identified", "Low risk", "Moderate risk", "High risk"]


def test_it_reports_a_cssrs_risk_disclosed_before_the_form_is_finished():
    result = get_instrument("cssrs").score({"1": 1, "2": 1, "4": 1})

    assert not result.complete
    assert result.severity is None
    assert result.risk_findings == [
        "C-SSRS screen: High risk — Q4 Yes: suicidal intent without specific plan (past month)"
    ]


@pytest.mark.parametrize(
    "code, answers, message",
    [
        ("phq9", {"1": 4}, r"PHQ-9 item 1: 4 is not one of its options: 0 \(Not at all\)"),
        ("phq9", {"1": -1}, "PHQ-9 item 1: -1 is not one of its options"),
        ("phq9", {"1": "2"}, "PHQ-9 item 1: '2' is not one of its options"),
        ("dast10", {"1": True}, "DAST-10 item 1: True is not one of its options"),
        ("phq9", {"10": 1}, "PHQ-9 has no item '10'"),
        ("cssrs", {"1": 0, "2": 0, "3": 1}, "C-SSRS item 3 is not asked when item 2 is answered 'No'"),
        ("cssrs", {"3": 1}, "C-SSRS item 3 is not asked when item 2 is not answered"),
        ("cssrs", {"6": 0, "6b": 1}, "C-SSRS item 6b is not asked when item 6 is answered 'No'"),
    ],
)
def test_it_rejects_invalid_answers(code, answers, message):
    with pytest.raises(InvalidAnswer, match=message):
        get_instrument(code).score(answers)


def test_it_ignores_answers_to_skipped_items_when_working_out_what_to_ask():
    cssrs = get_instrument("cssrs")

    # Item 2 changed to No after item 3 was answered: the form drops item 3 rather than failing.
    assert [item.key for item in cssrs.items_to_ask({"1": 1, "2": 0, "3": 1})] == ["1", "2", "6"]
    with pytest.raises(InvalidAnswer):
        cssrs.items_to_ask({"1": 7})


def test_it_is_a_value_error():
    assert issubclass(InvalidAnswer, ValueError)
    assert issubclass(InvalidDefinition, ValueError)


def copy_definition(tmp_path: Path, code: str) -> tuple[Path, dict]:
    path = tmp_path / f"{code}.json"
    shutil.copy(DEFINITIONS_DIR / f"{code}.json", path)
    return path, json.loads(path.read_text())


def test_it_loads_an_instrument_an_agency_adds_as_a_file(tmp_path):
    path, definition = copy_definition(tmp_path, "gad7")
    definition.update(code="gad2", name="Generalized Anxiety Disorder 2-item", short_name="GAD-2")
    definition["items"] = definition["items"][:2]
    definition["scoring"]["bands"] = [
        {"low": 0, "high": 2, "label": "Negative screen", "severity": "negative"},
        {"low": 3, "high": 6, "label": "Positive screen", "severity": "positive"},
    ]
    path.unlink()
    (tmp_path / "gad2.json").write_text(json.dumps(definition))

    gad2 = load_definitions(tmp_path)["gad2"]

    assert gad2.max_total == 6
    assert gad2.score({"1": 2, "2": 1}).summary == "3 — Positive screen"


def test_it_names_the_file_of_a_definition_that_is_not_json(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"code": "broken",')

    with pytest.raises(InvalidDefinition, match=r"Instrument definition broken\.json: not valid JSON"):
        load_definition(path)


def _gap(d):
    d["scoring"]["bands"][1]["low"] = 6


def _short(d):
    d["scoring"]["bands"][-1]["high"] = 26


def _ask_if_later(d):
    d["items"][0]["ask_if"] = {"item": "9", "in": [1]}


def _unknown_option(d):
    d["risk"][0]["when"] = {"9": [1, 4]}


def _misspelt(d):
    d["reasses_days"] = d.pop("reassess_days")


def _missing(d):
    del d["short_name"]


def _wrong_type(d):
    d["protected_substance_use"] = "no"


def _bad_method(d):
    d["scoring"]["method"] = "average"


def _duplicate_key(d):
    d["items"][1]["key"] = "1"


def _code(d):
    d["code"] = "phq10"


def _placeholder(d):
    d["risk"][0]["finding"] = "Item 9 answered {value}"


@pytest.mark.parametrize(
    "break_it, problem",
    [
        (_gap, r"scoring\.bands\[1\]: starts at 6 but should start at 5 \(gap or overlap\)"),
        (_short, r"scoring\.bands: the last band ends at 26 but the highest possible total is 27"),
        (_ask_if_later, r"items\.1\.ask_if: refers to item '9', which is not an earlier item"),
        (_unknown_option, r"risk\[0\]\.when\.9: 4 is not an option of item 9"),
        (_misspelt, r"unknown field 'reasses_days'"),
        (_missing, r"missing field 'short_name'"),
        (_wrong_type, r"protected_substance_use: expected true or false, got 'no'"),
        (_bad_method, r"scoring\.method: 'average' is not one of 'sum', 'highest_level'"),
        (_duplicate_key, r"items\.1: the key is used by more than one item"),
        (_code, r"code: 'phq10' does not match the file name"),
        (_placeholder, r"risk\[0\]\.finding: unknown placeholder \{value\}"),
    ],
)
def test_it_refuses_a_broken_definition_naming_the_file_and_the_problem(tmp_path, break_it, problem):
    path, definition = copy_definition(tmp_path, "phq9")
    break_it(definition)
    path.write_text(json.dumps(definition))

    with pytest.raises(InvalidDefinition, match=r"Instrument definition phq9\.json: " + problem) as raised:
        load_definition(path)
    assert raised.value.path == path


def test_it_refuses_sex_specific_bands_that_leave_a_sex_out(tmp_path):
    path, definition = copy_definition(tmp_path, "auditc")
    del definition["scoring"]["sex_fallback"]["intersex"]
    path.write_text(json.dumps(definition))

    with pytest.raises(InvalidDefinition, match="scoring: no bands or sex_fallback for intersex"):
        load_definition(path)


def test_it_refuses_a_level_rule_for_an_unknown_level(tmp_path):
    path, definition = copy_definition(tmp_path, "cssrs")
    definition["scoring"]["rules"][0]["level"] = "extreme"
    path.write_text(json.dumps(definition))

    with pytest.raises(InvalidDefinition, match=r"scoring\.rules\[0\]\.level: 'extreme' is not a level above 'none'"):
        load_definition(path)
