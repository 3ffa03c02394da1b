"""Scored screening instruments (PHQ-9, GAD-7, C-SSRS screener, AUDIT-C, DAST-10), defined as data.

Each instrument is one JSON file in ``definitions/``; this module reads and validates those files and
scores answers against them. It knows nothing about Django: answers go in as ``{item key: value}``
and a ``Result`` comes out. The JSON format, and how an agency adds an instrument, are described in
``docs/instruments.md``.

    >>> phq9 = get_instrument("phq9")
    >>> phq9.score({"1": 2, "2": 2, "3": 2, "4": 2, "5": 2, "6": 2, "7": 2, "8": 1, "9": 1}).summary
    '16 — Moderately severe'
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

__all__ = [
    "DEFINITIONS_DIR",
    "SEXES",
    "Band",
    "Condition",
    "Instrument",
    "InvalidAnswer",
    "InvalidDefinition",
    "Item",
    "Level",
    "Result",
    "UnknownInstrument",
    "all_instruments",
    "get_instrument",
    "load_definition",
    "load_definitions",
]

DEFINITIONS_DIR = Path(__file__).parent / "definitions"

# The client's sex as the engine accepts it; instruments with sex-specific cut-offs say in their
# definition which cut-off applies to "intersex" and "not_stated".
SEXES = ("female", "male", "intersex", "not_stated")

SUM = "sum"
HIGHEST_LEVEL = "highest_level"

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_KEY = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_PLACEHOLDER = re.compile(r"\{(\w*)\}")


class UnknownInstrument(LookupError):
    """No instrument is defined with this code."""


class InvalidAnswer(ValueError):
    """An answer names an unknown item, is not one of the item's options, or answers a skipped item."""


class InvalidDefinition(ValueError):
    """A definition file is not valid JSON or does not describe a scoreable instrument."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"Instrument definition {path.name}: {problem}")
        self.path = path
        self.problem = problem


@dataclass(frozen=True)
class Condition:
    """Holds when item ``item`` has been answered with one of ``values``."""

    item: str
    values: tuple[int, ...]

    def holds(self, answers: Mapping[str, int]) -> bool:
        return answers.get(self.item) in self.values


@dataclass(frozen=True)
class Item:
    """One question. ``options`` are (value, label) pairs; the value is what is stored as the answer.

    An unscored item (``scored=False``) is optional and never counts towards a total or a level.
    A ``reverse`` item scores its options backwards (on a No=0/Yes=1 item, No scores 1).
    An item with ``ask_if`` is asked only when that condition holds on an earlier item's answer.
    """

    key: str
    text: str
    options: tuple[tuple[int, str], ...]
    scored: bool = True
    reverse: bool = False
    ask_if: Condition | None = None
    hint: str | None = None

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(value for value, _ in self.options)

    def label(self, value: int) -> str:
        """The option label for a stored answer, e.g. 3 → "Nearly every day"."""
        for option_value, label in self.options:
            if option_value == value:
                return label
        raise InvalidAnswer(f"Item {self.key}: {value!r} is not one of its options {self.values}")

    def points(self, value: int) -> int:
        if self.reverse:
            return min(self.values) + max(self.values) - value
        return value

    @property
    def max_points(self) -> int:
        return max(self.points(value) for value in self.values)

    @property
    def min_points(self) -> int:
        return min(self.points(value) for value in self.values)


@dataclass(frozen=True)
class Band:
    """A published range of totals, both ends included, e.g. Band(5, 9, "Mild", "mild")."""

    low: int
    high: int
    label: str
    severity: str

    def __contains__(self, total: int) -> bool:
        return self.low <= total <= self.high


@dataclass(frozen=True)
class Level:
    """A rung of a "highest level reached" instrument, e.g. Level("high", "High risk")."""

    severity: str
    label: str


@dataclass(frozen=True)
class _LevelRule:
    when: tuple[Condition, ...]
    level: str
    reason: str


@dataclass(frozen=True)
class _RiskRule:
    finding: str
    when: tuple[Condition, ...] = ()
    levels: tuple[str, ...] = ()


@dataclass(frozen=True)
class _NoteRule:
    note: str
    when: tuple[Condition, ...] = ()
    severities: tuple[str, ...] = ()


@dataclass(frozen=True)
class Result:
    """The outcome of scoring one set of answers.

    ``total``, ``band_label`` and ``severity`` are None until every item that must be asked has an
    answer: a partial total is never given. ``risk_findings`` are worked out from whatever has been
    answered, so a risk disclosed on a half-finished form is still reported.
    """

    complete: bool
    missing: list[str]
    total: int | None
    band_label: str | None
    severity: str | None
    risk_findings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    summary: str = ""


@dataclass(frozen=True, eq=False)
class Instrument:
    """A screening instrument as read from its definition file. Build one with ``load_definition``."""

    code: str
    name: str
    short_name: str
    version: int
    source: str
    instructions: str
    items: tuple[Item, ...]
    reassess_days: int
    protected_substance_use: bool
    scoring_method: str
    copyright: str | None = None
    max_total: int | None = None
    levels: tuple[Level, ...] = ()
    _bands: Mapping[str, tuple[Band, ...]] = field(default_factory=dict, repr=False)
    _sex_notes: Mapping[str, str] = field(default_factory=dict, repr=False)
    _level_rules: tuple[_LevelRule, ...] = field(default=(), repr=False)
    _risk_rules: tuple[_RiskRule, ...] = field(default=(), repr=False)
    _note_rules: tuple[_NoteRule, ...] = field(default=(), repr=False)

    def __str__(self) -> str:
        return self.short_name

    def item(self, key: str) -> Item:
        for item in self.items:
            if item.key == key:
                return item
        raise InvalidAnswer(f"{self.short_name} has no item {key!r}")

    def bands(self, sex: str = "not_stated") -> list[Band]:
        """The published bands for this client's sex, lowest first; empty for a "highest level" instrument."""
        _check_sex(sex)
        return list(self._bands.get(sex, ()))

    def items_to_ask(self, answers: Mapping[str, int | None]) -> list[Item]:
        """The items to put to the client, given the answers so far, in order.

        An item whose ``ask_if`` refers to an unanswered item is not listed yet. Answers to items the
        skip logic now leaves out (say item 2 was changed to No after item 3 was answered) are ignored
        here so a form can drop them; ``score`` rejects them.
        """
        asked, _ = self._apply_skip_logic(self._check_answers(answers), strict=False)
        return asked

    def score(self, answers: Mapping[str, int | None], sex: str = "not_stated") -> Result:
        """Score ``answers`` ({item key: option value}; None means not answered) for a client of ``sex``."""
        _check_sex(sex)
        asked, given = self._apply_skip_logic(self._check_answers(answers), strict=True)
        missing = [item.key for item in asked if item.scored and item.key not in given]
        complete = not missing

        total: int | None = None
        band_label: str | None = None
        severity: str | None = None
        notes: list[str] = []
        if self.scoring_method == SUM:
            if complete:
                total = sum(item.points(given[item.key]) for item in asked if item.scored)
                band = next(band for band in self._bands[sex] if total in band)
                band_label, severity = band.label, band.severity
                if sex in self._sex_notes:
                    notes.append(self._sex_notes[sex])
            level, reasons = None, []
        else:
            level, reasons = self._highest_level(given)
            if complete:
                band_label, severity = level.label, level.severity

        risk_findings = self._risk_findings(given, level, reasons)
        if risk_findings and not complete:
            notes.append("Risk findings are from the items answered so far.")
        if complete:
            notes.extend(
                rule.note
                for rule in self._note_rules
                if all(c.holds(given) for c in rule.when) and (not rule.severities or severity in rule.severities)
            )

        if not complete:
            noun = "item" if len(missing) == 1 else "items"
            summary = f"Incomplete: {noun} {', '.join(missing)} not answered"
        elif total is not None:
            summary = f"{total} — {band_label}"
        else:
            summary = str(band_label)
        return Result(
            complete=complete,
            missing=missing,
            total=total,
            band_label=band_label,
            severity=severity,
            risk_findings=risk_findings,
            notes=notes,
            summary=summary,
        )

    def _check_answers(self, answers: Mapping[str, int | None]) -> dict[str, int]:
        checked: dict[str, int] = {}
        for key, value in answers.items():
            item = self.item(key)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value not in item.values:
                choices = ", ".join(f"{v} ({label})" for v, label in item.options)
                raise InvalidAnswer(f"{self.short_name} item {key}: {value!r} is not one of its options: {choices}")
            checked[key] = value
        return checked

    def _apply_skip_logic(self, answers: dict[str, int], *, strict: bool) -> tuple[list[Item], dict[str, int]]:
        """Walk the items in order; returns the items asked and the answers that count."""
        asked: list[Item] = []
        kept: dict[str, int] = {}
        for item in self.items:
            if item.ask_if is None or item.ask_if.holds(kept):
                asked.append(item)
                if item.key in answers:
                    kept[item.key] = answers[item.key]
            elif strict and item.key in answers:
                condition = item.ask_if
                if condition.item in kept:
                    because = (
                        f"item {condition.item} is answered '{self.item(condition.item).label(kept[condition.item])}'"
                    )
                else:
                    because = f"item {condition.item} is not answered"
                raise InvalidAnswer(f"{self.short_name} item {item.key} is not asked when {because}")
        return asked, kept

    def _highest_level(self, answers: dict[str, int]) -> tuple[Level, list[str]]:
        """The highest level any rule reaches on these answers, and the reasons for reaching it.

        Rules only ever add levels as answers arrive, so on a partial form this is a floor.
        """
        rank = {level.severity: index for index, level in enumerate(self.levels)}
        fired = [rule for rule in self._level_rules if all(c.holds(answers) for c in rule.when)]
        if not fired:
            return self.levels[0], []
        top = max(rank[rule.level] for rule in fired)
        return self.levels[top], [rule.reason for rule in fired if rank[rule.level] == top]

    def _risk_findings(self, answers: dict[str, int], level: Level | None, reasons: list[str]) -> list[str]:
        findings = []
        for rule in self._risk_rules:
            if rule.levels:
                if level is not None and level.severity in rule.levels:
                    text = rule.finding.replace("{level}", level.label).replace("{because}", "; ".join(reasons))
                    findings.append(text)
            elif all(c.holds(answers) for c in rule.when):
                first = rule.when[0].item
                findings.append(rule.finding.replace("{answer}", self.item(first).label(answers[first])))
        return findings


def _check_sex(sex: str) -> None:
    if sex not in SEXES:
        raise ValueError(f"Unknown sex {sex!r}; expected one of {', '.join(SEXES)}")


@cache
def _registry() -> dict[str, Instrument]:
    return load_definitions(DEFINITIONS_DIR)


def get_instrument(code: str) -> Instrument:
    """The instrument with this code (e.g. "phq9"); raises UnknownInstrument if there is none."""
    try:
        return _registry()[code]
    except KeyError:
        known = ", ".join(sorted(_registry()))
        raise UnknownInstrument(f"No instrument with code {code!r} (known: {known})") from None


def all_instruments() -> list[Instrument]:
    """Every defined instrument, in the order of their definition file names."""
    return list(_registry().values())


def load_definitions(directory: Path) -> dict[str, Instrument]:
    """Read and validate every ``*.json`` file in ``directory``, keyed by instrument code."""
    return {instrument.code: instrument for instrument in map(load_definition, sorted(directory.glob("*.json")))}


def load_definition(path: Path) -> Instrument:
    """Read and validate one definition file; raises InvalidDefinition naming the file and the problem."""
    return _DefinitionReader(path).read()


class _DefinitionReader:
    """Turns one JSON file into an Instrument, refusing anything that could not be scored as published."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> NoReturn:
        raise InvalidDefinition(self.path, f"{where}: {problem}" if where else problem)

    def fields(self, obj: Any, where: str, required: dict[str, type], optional: dict[str, type] | None = None) -> dict:
        optional = optional or {}
        if not isinstance(obj, dict):
            self.fail(where, "expected an object")
        unknown = sorted(set(obj) - set(required) - set(optional))
        if unknown:
            self.fail(where, f"unknown field {unknown[0]!r}")
        for name, kind in {**required, **optional}.items():
            if name not in obj:
                if name in required:
                    self.fail(where, f"missing field {name!r}")
                continue
            value = obj[name]
            if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
                self.fail(f"{where}.{name}" if where else name, f"expected {_type_name(kind)}, got {value!r}")
            if kind is str and not value.strip():
                self.fail(f"{where}.{name}" if where else name, "must not be empty")
        return obj

    def read(self) -> Instrument:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            self.fail("", f"not valid JSON ({error})")
        top = self.fields(
            raw,
            "",
            required={
                "code": str,
                "name": str,
                "short_name": str,
                "version": int,
                "source": str,
                "instructions": str,
                "items": list,
                "scoring": dict,
                "reassess_days": int,
                "protected_substance_use": bool,
            },
            optional={"copyright": str, "option_sets": dict, "risk": list, "notes": list},
        )
        code = top["code"]
        if not _CODE.match(code):
            self.fail("code", f"{code!r} must be lower-case letters, digits and underscores")
        if self.path.stem != code:
            self.fail("code", f"{code!r} does not match the file name (expected {code}.json)")
        if top["version"] < 1:
            self.fail("version", "must be 1 or more")
        if top["reassess_days"] < 1:
            self.fail("reassess_days", "must be 1 or more")

        option_sets = {
            name: self.options(options, f"option_sets.{name}") for name, options in top.get("option_sets", {}).items()
        }
        items = self.items(top["items"], option_sets)
        by_key = {item.key: item for item in items}

        scoring = self.fields(
            top["scoring"],
            "scoring",
            required={"method": str},
            optional={"bands": list, "bands_by_sex": dict, "sex_fallback": dict, "levels": list, "rules": list},
        )
        method = scoring["method"]
        bands: dict[str, tuple[Band, ...]] = {}
        sex_notes: dict[str, str] = {}
        levels: tuple[Level, ...] = ()
        level_rules: tuple[_LevelRule, ...] = ()
        max_total: int | None = None
        if method == SUM:
            for name in ("levels", "rules"):
                if name in scoring:
                    self.fail("scoring", f"{name!r} belongs to highest_level scoring, not sum")
            max_total = sum(item.max_points for item in items if item.scored)
            min_total = sum(item.min_points for item in items if item.scored)
            bands, sex_notes = self.sum_bands(scoring, min_total, max_total)
            severities = {band.severity for sex_bands in bands.values() for band in sex_bands}
        elif method == HIGHEST_LEVEL:
            for name in ("bands", "bands_by_sex", "sex_fallback"):
                if name in scoring:
                    self.fail("scoring", f"{name!r} belongs to sum scoring, not highest_level")
            for item in items:
                if item.reverse:
                    self.fail(f"items.{item.key}", "reverse scoring only applies to sum scoring")
            levels, level_rules = self.levels(scoring, by_key)
            severities = {level.severity for level in levels}
        else:
            self.fail("scoring.method", f"{method!r} is not one of {SUM!r}, {HIGHEST_LEVEL!r}")

        return Instrument(
            code=code,
            name=top["name"],
            short_name=top["short_name"],
            version=top["version"],
            source=top["source"],
            copyright=top.get("copyright"),
            instructions=top["instructions"],
            items=items,
            reassess_days=top["reassess_days"],
            protected_substance_use=top["protected_substance_use"],
            scoring_method=method,
            max_total=max_total,
            levels=levels,
            _bands=bands,
            _sex_notes=sex_notes,
            _level_rules=level_rules,
            _risk_rules=self.risk_rules(top.get("risk", []), by_key, method, severities),
            _note_rules=self.note_rules(top.get("notes", []), by_key, severities),
        )

    def options(self, raw: Any, where: str) -> tuple[tuple[int, str], ...]:
        if not isinstance(raw, list) or len(raw) < 2:
            self.fail(where, "expected a list of at least two options")
        options = []
        for index, option in enumerate(raw):
            option = self.fields(option, f"{where}[{index}]", required={"value": int, "label": str})
            options.append((option["value"], option["label"]))
        values = [value for value, _ in options]
        if len(set(values)) != len(values):
            self.fail(where, "option values must be unique")
        return tuple(options)

    def items(self, raw: list, option_sets: dict[str, tuple[tuple[int, str], ...]]) -> tuple[Item, ...]:
        if not raw:
            self.fail("items", "an instrument needs at least one item")
        items: list[Item] = []
        for index, entry in enumerate(raw):
            where = f"items[{index}]"
            entry = self.fields(
                entry,
                where,
                required={"key": str, "text": str, "options": (list, str)},
                optional={"scored": bool, "reverse": bool, "ask_if": dict, "hint": str},
            )
            key = entry["key"]
            if not _KEY.match(key):
                self.fail(f"{where}.key", f"{key!r} must be lower-case letters, digits and underscores")
            where = f"items.{key}"
            if any(item.key == key for item in items):
                self.fail(where, "the key is used by more than one item")
            if isinstance(entry["options"], str):
                if entry["options"] not in option_sets:
                    self.fail(f"{where}.options", f"no option set named {entry['options']!r}")
                options = option_sets[entry["options"]]
            else:
                options = self.options(entry["options"], f"{where}.options")
            scored = entry.get("scored", True)
            reverse = entry.get("reverse", False)
            if reverse and not scored:
                self.fail(where, "an unscored item cannot be reverse scored")
            if scored and any(value < 0 for value, _ in options):
                self.fail(f"{where}.options", "a scored item's option values must not be negative")
            ask_if = None
            if "ask_if" in entry:
                # Only an earlier item may be referred to, which also rules out cycles.
                earlier = {item.key: item for item in items}
                ask_if = self.condition(entry["ask_if"], f"{where}.ask_if", earlier)
            items.append(
                Item(
                    key=key,
                    text=entry["text"],
                    options=options,
                    scored=scored,
                    reverse=reverse,
                    ask_if=ask_if,
                    hint=entry.get("hint"),
                )
            )
        return tuple(items)

    def condition(self, raw: Any, where: str, items: Mapping[str, Item]) -> Condition:
        raw = self.fields(raw, where, required={"item": str, "in": list})
        return self.answer_condition(raw["item"], raw["in"], where, items)

    def answer_condition(self, key: str, values: list, where: str, items: Mapping[str, Item]) -> Condition:
        if key not in items:
            self.fail(where, f"refers to item {key!r}, which is not an earlier item")
        if not values:
            self.fail(where, "needs at least one answer value")
        for value in values:
            if isinstance(value, bool) or value not in items[key].values:
                self.fail(where, f"{value!r} is not an option of item {key}")
        return Condition(item=key, values=tuple(values))

    def conditions(self, raw: Any, where: str, items: Mapping[str, Item]) -> tuple[Condition, ...]:
        if not isinstance(raw, dict) or not raw:
            self.fail(where, "expected an object of {item key: [answer values]}")
        conditions = []
        for key, values in raw.items():
            if not isinstance(values, list):
                self.fail(f"{where}.{key}", "expected a list of answer values")
            conditions.append(self.answer_condition(key, values, f"{where}.{key}", items))
        return tuple(conditions)

    def bands(self, raw: Any, where: str, min_total: int, max_total: int) -> tuple[Band, ...]:
        if not isinstance(raw, list) or not raw:
            self.fail(where, "expected a list of bands")
        bands = []
        expected_low = min_total
        for index, entry in enumerate(raw):
            entry = self.fields(
                entry, f"{where}[{index}]", required={"low": int, "high": int, "label": str, "severity": str}
            )
            band = Band(entry["low"], entry["high"], entry["label"], entry["severity"])
            if not _KEY.match(band.severity):
                self.fail(f"{where}[{index}].severity", f"{band.severity!r} must be lower-case letters and underscores")
            if band.low != expected_low:
                self.fail(
                    f"{where}[{index}]", f"starts at {band.low} but should start at {expected_low} (gap or overlap)"
                )
            if band.high < band.low:
                self.fail(f"{where}[{index}]", f"ends at {band.high}, before it starts at {band.low}")
            bands.append(band)
            expected_low = band.high + 1
        if bands[-1].high != max_total:
            self.fail(where, f"the last band ends at {bands[-1].high} but the highest possible total is {max_total}")
        return tuple(bands)

    def sum_bands(
        self, scoring: dict, min_total: int, max_total: int
    ) -> tuple[dict[str, tuple[Band, ...]], dict[str, str]]:
        if ("bands" in scoring) == ("bands_by_sex" in scoring):
            self.fail("scoring", "sum scoring needs exactly one of 'bands' or 'bands_by_sex'")
        if "bands" in scoring:
            if "sex_fallback" in scoring:
                self.fail("scoring", "'sex_fallback' only applies with 'bands_by_sex'")
            bands = self.bands(scoring["bands"], "scoring.bands", min_total, max_total)
            return {sex: bands for sex in SEXES}, {}

        by_sex: dict[str, tuple[Band, ...]] = {}
        for sex, raw in scoring["bands_by_sex"].items():
            if sex not in SEXES:
                self.fail("scoring.bands_by_sex", f"{sex!r} is not one of {', '.join(SEXES)}")
            by_sex[sex] = self.bands(raw, f"scoring.bands_by_sex.{sex}", min_total, max_total)
        notes: dict[str, str] = {}
        for sex, raw in scoring.get("sex_fallback", {}).items():
            where = f"scoring.sex_fallback.{sex}"
            if sex not in SEXES or sex in by_sex:
                self.fail(where, "must be a sex without bands of its own")
            raw = self.fields(raw, where, required={"use": str, "note": str})
            if raw["use"] not in by_sex:
                self.fail(f"{where}.use", f"{raw['use']!r} has no bands")
            by_sex[sex] = by_sex[raw["use"]]
            notes[sex] = raw["note"]
        uncovered = [sex for sex in SEXES if sex not in by_sex]
        if uncovered:
            self.fail("scoring", f"no bands or sex_fallback for {', '.join(uncovered)}")
        return by_sex, notes

    def levels(self, scoring: dict, items: Mapping[str, Item]) -> tuple[tuple[Level, ...], tuple[_LevelRule, ...]]:
        for name in ("levels", "rules"):
            if name not in scoring:
                self.fail("scoring", f"highest_level scoring needs {name!r}")
        levels = []
        for index, entry in enumerate(scoring["levels"]):
            entry = self.fields(entry, f"scoring.levels[{index}]", required={"severity": str, "label": str})
            if not _KEY.match(entry["severity"]):
                self.fail(f"scoring.levels[{index}].severity", "must be lower-case letters and underscores")
            levels.append(Level(entry["severity"], entry["label"]))
        severities = [level.severity for level in levels]
        if len(levels) < 2 or len(set(severities)) != len(severities):
            self.fail("scoring.levels", "needs at least two levels, each with its own severity")
        rules = []
        for index, entry in enumerate(scoring["rules"]):
            where = f"scoring.rules[{index}]"
            entry = self.fields(entry, where, required={"when": dict, "level": str, "reason": str})
            if entry["level"] not in severities[1:]:
                self.fail(f"{where}.level", f"{entry['level']!r} is not a level above {severities[0]!r}")
            rules.append(
                _LevelRule(self.conditions(entry["when"], f"{where}.when", items), entry["level"], entry["reason"])
            )
        if not rules:
            self.fail("scoring.rules", "needs at least one rule")
        return tuple(levels), tuple(rules)

    def placeholders(self, text: str, where: str, allowed: set[str]) -> None:
        for name in _PLACEHOLDER.findall(text):
            if name not in allowed:
                self.fail(where, f"unknown placeholder {{{name}}} (allowed: {', '.join(sorted(allowed)) or 'none'})")

    def risk_rules(
        self, raw: list, items: Mapping[str, Item], method: str, severities: set[str]
    ) -> tuple[_RiskRule, ...]:
        rules = []
        for index, entry in enumerate(raw):
            where = f"risk[{index}]"
            entry = self.fields(entry, where, required={"finding": str}, optional={"when": dict, "levels": list})
            if ("when" in entry) == ("levels" in entry):
                self.fail(where, "needs exactly one of 'when' (item answers) or 'levels'")
            if "levels" in entry:
                if method != HIGHEST_LEVEL:
                    self.fail(f"{where}.levels", "only highest_level scoring has levels")
                unknown = [level for level in entry["levels"] if level not in severities]
                if unknown or not entry["levels"]:
                    self.fail(f"{where}.levels", f"unknown level {unknown[0]!r}" if unknown else "must not be empty")
                self.placeholders(entry["finding"], f"{where}.finding", {"level", "because"})
                rules.append(_RiskRule(finding=entry["finding"], levels=tuple(entry["levels"])))
            else:
                when = self.conditions(entry["when"], f"{where}.when", items)
                self.placeholders(entry["finding"], f"{where}.finding", {"answer"} if len(when) == 1 else set())
                rules.append(_RiskRule(finding=entry["finding"], when=when))
        return tuple(rules)

    def note_rules(self, raw: list, items: Mapping[str, Item], severities: set[str]) -> tuple[_NoteRule, ...]:
        rules = []
        for index, entry in enumerate(raw):
            where = f"notes[{index}]"
            entry = self.fields(entry, where, required={"note": str}, optional={"when": dict, "severities": list})
            if "when" not in entry and "severities" not in entry:
                self.fail(where, "needs 'when', 'severities' or both")
            unknown = [severity for severity in entry.get("severities", []) if severity not in severities]
            if unknown:
                self.fail(f"{where}.severities", f"unknown severity {unknown[0]!r}")
            self.placeholders(entry["note"], f"{where}.note", set())
            when = self.conditions(entry["when"], f"{where}.when", items) if "when" in entry else ()
            rules.append(_NoteRule(note=entry["note"], when=when, severities=tuple(entry.get("severities", ()))))
        return tuple(rules)


def _type_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {str: "text", int: "a whole number", bool: "true or false", list: "a list", dict: "an object"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)
