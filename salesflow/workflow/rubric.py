"""The grading rubric: its six criteria, their bands, the grade thresholds and the cadence.

The default rubric is ``rubric.toml`` shipped beside this module (SPEC §4). A
``rubric.toml`` in the config folder, when present, replaces it whole: a team changes
weights, bands and thresholds without touching code. Parsing is pure
(:func:`parse_rubric`); every refusal is a :class:`ConfigurationError` naming the file and
the key, so a broken override is fixed in one go rather than silently half-used.

Each grading records the rubric's short id (:attr:`Rubric.ident`): ``default`` for the
shipped rubric, ``custom:<sha256 prefix>`` for an override, so old grades stay explainable
after the rubric changes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from salesflow.i18n import N_, _
from salesflow.workflow.errors import ConfigurationError
from salesflow.workflow.money import MAX_YUAN

RUBRIC_FILE = "rubric.toml"
DEFAULT_SOURCE = "default"
TOTAL_POINTS = 100

# The criteria in the order they are asked, scored and shown.
CRITERIA: tuple[str, ...] = (
    "company_size",
    "years_in_business",
    "budget",
    "need_fit",
    "likelihood",
    "decision_maker",
)
# Bands on a count (budget: whole yuan in the file, fen inside); ratings 1-5; a yes/no flag.
BAND_CRITERIA = frozenset({"company_size", "years_in_business", "budget"})
RATING_CRITERIA = frozenset({"need_fit", "likelihood"})
FLAG_CRITERIA = frozenset({"decision_maker"})
RATINGS = (1, 2, 3, 4, 5)

CRITERION_LABELS: dict[str, str] = {
    "company_size": N_("Company size"),
    "years_in_business": N_("Years in business"),
    "budget": N_("Budget / purchasing power"),
    "need_fit": N_("Need fit"),
    "likelihood": N_("Likelihood of cooperation"),
    "decision_maker": N_("Decision maker reached"),
}

GRADE_CODES = ("A", "B", "C")
THRESHOLD_GRADES = ("A", "B")  # C is everything below B
MAX_CADENCE_DAYS = 365


@dataclass(frozen=True)
class Band:
    """From ``at_least`` (in the criterion's unit; fen for the budget) up: ``points``."""

    at_least: int
    points: int


@dataclass(frozen=True)
class Criterion:
    code: str
    max_points: int
    bands: tuple[Band, ...]

    def points_for(self, value: int) -> int:
        """The points of the highest band ``value`` reaches; 0 below the first band."""
        points = 0
        for band in self.bands:
            if value >= band.at_least:
                points = band.points
        return points


@dataclass(frozen=True)
class Rubric:
    criteria: tuple[Criterion, ...]
    thresholds: tuple[tuple[str, int], ...]  # (grade, lowest score), highest grade first
    cadence_days: tuple[tuple[str, int], ...]  # (grade, days between follow-ups)
    ident: str  # "default" or "custom:<sha256 prefix>"
    source: str  # "default" or the override file's path

    @property
    def is_default(self) -> bool:
        return self.source == DEFAULT_SOURCE

    def criterion(self, code: str) -> Criterion:
        return next(c for c in self.criteria if c.code == code)

    def grade_for(self, score: int) -> str:
        for grade, lowest in self.thresholds:
            if score >= lowest:
                return grade
        return GRADE_CODES[-1]

    def cadence_for(self, grade: str) -> int:
        return dict(self.cadence_days)[grade]


def criterion_label(code: str) -> str:
    english = CRITERION_LABELS.get(code)
    return _(english) if english else code


def band_text(code: str, band: Band) -> str:
    """A band's condition as people read it: "100+ employees", "rating 3", "reached"."""
    if code == "company_size":
        return _("{count}+ employees").format(count=f"{band.at_least:,}")
    if code == "years_in_business":
        return _("{count}+ years").format(count=band.at_least)
    if code == "budget":
        # Bands are whole yuan (the file allows nothing else).
        return _("{amount}+").format(amount=f"¥{band.at_least // 100:,}")
    if code in RATING_CRITERIA:
        return _("rating {value}").format(value=band.at_least)
    return _("reached") if band.at_least else _("not reached")


def band_value(code: str, band: Band) -> int | str:
    """A band's lower edge for JSON and CSV: whole yuan as text for the budget."""
    if code == "budget":
        return str(band.at_least // 100)
    return band.at_least


def where(source: str) -> str:
    """How a rubric's source reads in messages."""
    return _("the default rubric") if source == DEFAULT_SOURCE else source


def rubric_ident(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if digest == hashlib.sha256(default_text().encode("utf-8")).hexdigest():
        return DEFAULT_SOURCE
    return "custom:" + digest[:12]


@cache
def default_text() -> str:
    from importlib.resources import files

    return files("salesflow.workflow").joinpath(RUBRIC_FILE).read_text(encoding="utf-8")


def default_rubric() -> Rubric:
    return parse_rubric(default_text(), source=DEFAULT_SOURCE)


def override_path() -> Path:
    """Where a team's own rubric goes: ``rubric.toml`` in the config folder."""
    from salesflow.config import config_dir

    return Path(config_dir().value) / RUBRIC_FILE


def load_rubric() -> Rubric:
    """The rubric in use: the override in the config folder if there is one, else the default."""
    path = override_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return default_rubric()
    except UnicodeDecodeError as exc:
        raise ConfigurationError(
            _("The rubric file {path} is not UTF-8 text.").format(path=path),
            hint=_("Fix the file, or remove it to use the default rubric."),
        ) from exc
    except OSError as exc:
        raise ConfigurationError(
            _("Cannot read the rubric file {path}: {reason}.").format(
                path=path, reason=exc.strerror or exc
            ),
            hint=_("Fix the file, or remove it to use the default rubric."),
        ) from exc
    return parse_rubric(text, source=str(path))


def parse_rubric(text: str, *, source: str) -> Rubric:
    """Check a rubric's TOML text and build it; ``source`` is named in every refusal."""
    import tomllib  # here, not at the top: --help never reads a rubric

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(
            _("The rubric file {path} is not valid TOML: {reason}.").format(
                path=where(source), reason=exc
            ),
            hint=_("Fix the file, or remove it to use the default rubric."),
        ) from exc
    check = _Checker(source)
    check.keys(data, "", required=("criteria", "grades", "cadence_days"))
    criteria_table = check.table(data, "criteria")
    check.keys(criteria_table, "criteria", required=CRITERIA)
    criteria = tuple(check.criterion(criteria_table, code) for code in CRITERIA)
    total = sum(c.max_points for c in criteria)
    if total != TOTAL_POINTS:
        raise check.bad(
            "criteria",
            _("the max_points of the criteria add up to {total}, not {expected}").format(
                total=total, expected=TOTAL_POINTS
            ),
        )
    return Rubric(
        criteria=criteria,
        thresholds=check.thresholds(check.table(data, "grades")),
        cadence_days=check.cadence(check.table(data, "cadence_days")),
        ident=rubric_ident(text),
        source=source,
    )


class _Checker:
    """The checks of one rubric file; each refusal names the file and the dotted key."""

    def __init__(self, source: str) -> None:
        self.source = source

    def bad(self, key: str, problem: str) -> ConfigurationError:
        return ConfigurationError(
            _("Bad rubric in {path}: {key}: {problem}.").format(
                path=where(self.source), key=key or _("(top level)"), problem=problem
            ),
            hint=_("Fix the file, or remove it to use the default rubric."),
        )

    def keys(self, table: dict[str, Any], prefix: str, *, required: tuple[str, ...]) -> None:
        for key in table:
            if key not in required:
                raise self.bad(
                    _join(prefix, key),
                    _("unknown key; expected {known}").format(known=", ".join(required)),
                )
        for key in required:
            if key not in table:
                raise self.bad(_join(prefix, key), _("missing"))

    def table(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        value = data[key]
        if not isinstance(value, dict):
            raise self.bad(key, _("must be a table"))
        return value

    def whole(self, value: Any, key: str, *, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.bad(key, _("must be a whole number"))
        if not low <= value <= high:
            raise self.bad(
                key,
                _("must be between {low} and {high}, not {value}").format(
                    low=low, high=high, value=value
                ),
            )
        return value

    def criterion(self, criteria: dict[str, Any], code: str) -> Criterion:
        key = f"criteria.{code}"
        table = self.table(criteria, code)
        if code in BAND_CRITERIA:
            self.keys(table, key, required=("max_points", "bands"))
        elif code in RATING_CRITERIA:
            self.keys(table, key, required=("max_points", "points"))
        else:
            self.keys(table, key, required=("max_points",))
        max_points = self.whole(table["max_points"], f"{key}.max_points", low=0, high=TOTAL_POINTS)
        if code in BAND_CRITERIA:
            bands = self.bands(table["bands"], code, max_points)
        elif code in RATING_CRITERIA:
            bands = self.ratings(table["points"], code, max_points)
        else:
            bands = (Band(0, 0), Band(1, max_points))
        return Criterion(code=code, max_points=max_points, bands=bands)

    def bands(self, raw: Any, code: str, max_points: int) -> tuple[Band, ...]:
        key = f"criteria.{code}.bands"
        if not isinstance(raw, list) or not raw:
            raise self.bad(key, _("must be a list of one or more bands"))
        # The file gives the budget in whole yuan; inside, money is fen.
        unit = 100 if code == "budget" else 1
        high = int(MAX_YUAN) if code == "budget" else 10**9
        bands: list[Band] = []
        for index, entry in enumerate(raw):
            at = f"{key}[{index}]"
            if not isinstance(entry, dict):
                raise self.bad(at, _("must be a table with at_least and points"))
            self.keys(entry, at, required=("at_least", "points"))
            at_least = self.whole(entry["at_least"], f"{at}.at_least", low=0, high=high)
            points = self.whole(entry["points"], f"{at}.points", low=0, high=max_points)
            if bands and at_least * unit <= bands[-1].at_least:
                raise self.bad(f"{at}.at_least", _("must be greater than the band before it"))
            if bands and points < bands[-1].points:
                raise self.bad(f"{at}.points", _("must not be lower than the band before it"))
            bands.append(Band(at_least * unit, points))
        self.reaches_max(bands[-1].points, max_points, f"{key}[{len(bands) - 1}].points")
        return tuple(bands)

    def ratings(self, raw: Any, code: str, max_points: int) -> tuple[Band, ...]:
        key = f"criteria.{code}.points"
        if not isinstance(raw, list) or len(raw) != len(RATINGS):
            raise self.bad(key, _("must list the points for ratings 1 to 5 (five numbers)"))
        points = [
            self.whole(value, f"{key}[{index}]", low=0, high=max_points)
            for index, value in enumerate(raw)
        ]
        for index in range(1, len(points)):
            if points[index] < points[index - 1]:
                raise self.bad(f"{key}[{index}]", _("must not be lower than the rating before it"))
        self.reaches_max(points[-1], max_points, f"{key}[{len(points) - 1}]")
        return tuple(Band(rating, value) for rating, value in zip(RATINGS, points, strict=True))

    def reaches_max(self, top: int, max_points: int, key: str) -> None:
        if top != max_points:
            raise self.bad(
                key,
                _("the top band gives {top} points, but max_points is {max}").format(
                    top=top, max=max_points
                ),
            )

    def thresholds(self, table: dict[str, Any]) -> tuple[tuple[str, int], ...]:
        self.keys(table, "grades", required=THRESHOLD_GRADES)
        a = self.whole(table["A"], "grades.A", low=1, high=TOTAL_POINTS)
        b = self.whole(table["B"], "grades.B", low=1, high=TOTAL_POINTS)
        if not a > b:
            raise self.bad(
                "grades.B",
                _("must be lower than grades.A ({a}), not {b}").format(a=a, b=b),
            )
        return (("A", a), ("B", b))

    def cadence(self, table: dict[str, Any]) -> tuple[tuple[str, int], ...]:
        self.keys(table, "cadence_days", required=GRADE_CODES)
        return tuple(
            (grade, self.whole(table[grade], f"cadence_days.{grade}", low=1, high=MAX_CADENCE_DAYS))
            for grade in GRADE_CODES
        )


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key
