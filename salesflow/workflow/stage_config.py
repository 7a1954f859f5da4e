"""The pipeline stages in use: their order, probabilities and which ones close a lead.

The default is ``stages.toml`` shipped beside this module (SPEC §4). A ``stages.toml`` in
the config folder, when present, replaces it whole, like the grading rubric
(:mod:`salesflow.workflow.rubric`). Won and lost are flags on a stage, not names: exactly
one stage has ``won = true`` and exactly one ``lost = true``. Parsing is pure
(:func:`parse_stages`); every refusal is a :class:`ConfigurationError` naming the file and
the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from salesflow.i18n import _
from salesflow.workflow.errors import ConfigurationError
from salesflow.workflow.glossary import STAGES

STAGES_FILE = "stages.toml"
DEFAULT_SOURCE = "default"
STAGE_KEYS = ("code", "probability", "won", "lost")


@dataclass(frozen=True)
class Stage:
    code: str
    probability: int  # percent, 0-100
    won: bool = False
    lost: bool = False

    @property
    def closed(self) -> bool:
        return self.won or self.lost


@dataclass(frozen=True)
class StageConfig:
    stages: tuple[Stage, ...]
    source: str  # "default" or the override file's path

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(stage.code for stage in self.stages)

    @property
    def open_codes(self) -> tuple[str, ...]:
        """The stages a lead moves through, in order (neither won nor lost)."""
        return tuple(stage.code for stage in self.stages if not stage.closed)

    @property
    def won(self) -> str:
        return next(stage.code for stage in self.stages if stage.won)

    @property
    def lost(self) -> str:
        return next(stage.code for stage in self.stages if stage.lost)

    @property
    def closed_codes(self) -> frozenset[str]:
        return frozenset({self.won, self.lost})

    def has(self, code: str) -> bool:
        return code in self.codes

    def stage(self, code: str) -> Stage:
        return next(stage for stage in self.stages if stage.code == code)

    def position(self, code: str) -> int:
        """Where a stage is in the order; won comes after every open stage."""
        return self.codes.index(code)

    def next_after(self, code: str) -> str | None:
        """The next stage a lead advances to: the next open stage, then won."""
        order = (*self.open_codes, self.won)
        if code not in order or code == self.won:
            return None
        index = order.index(code)
        return order[index + 1] if index + 1 < len(order) else None


def where(source: str) -> str:
    return _("the default stages") if source == DEFAULT_SOURCE else source


@cache
def default_text() -> str:
    from importlib.resources import files

    return files("salesflow.workflow").joinpath(STAGES_FILE).read_text(encoding="utf-8")


def default_stages() -> StageConfig:
    return parse_stages(default_text(), source=DEFAULT_SOURCE)


def override_path() -> Path:
    """Where a team's own stages go: ``stages.toml`` in the config folder."""
    from salesflow.config import config_dir

    return Path(config_dir().value) / STAGES_FILE


def load_stages() -> StageConfig:
    """The stages in use: the override in the config folder if there is one, else the default."""
    path = override_path()
    hint = _("Fix the file, or remove it to use the default stages.")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return default_stages()
    except UnicodeDecodeError as exc:
        raise ConfigurationError(
            _("The stages file {path} is not UTF-8 text.").format(path=path), hint=hint
        ) from exc
    except OSError as exc:
        raise ConfigurationError(
            _("Cannot read the stages file {path}: {reason}.").format(
                path=path, reason=exc.strerror or exc
            ),
            hint=hint,
        ) from exc
    return parse_stages(text, source=str(path))


def _bad(source: str, key: str, problem: str) -> ConfigurationError:
    return ConfigurationError(
        _("Bad stages in {path}: {key}: {problem}.").format(
            path=where(source), key=key, problem=problem
        ),
        hint=_("Fix the file, or remove it to use the default stages."),
    )


def parse_stages(text: str, *, source: str) -> StageConfig:
    """Check a stages file's TOML text and build it; ``source`` is named in every refusal."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(
            _("The stages file {path} is not valid TOML: {reason}.").format(
                path=where(source), reason=exc
            ),
            hint=_("Fix the file, or remove it to use the default stages."),
        ) from exc
    for key in data:
        if key != "stages":
            raise _bad(source, key, _("unknown key; expected stages"))
    raw = data.get("stages")
    if not isinstance(raw, list) or not raw:
        raise _bad(source, "stages", _("must be a list of one or more [[stages]] tables"))
    stages = [_stage(source, index, entry) for index, entry in enumerate(raw)]
    seen: set[str] = set()
    for index, stage in enumerate(stages):
        if stage.code in seen:
            raise _bad(
                source,
                f"stages[{index}].code",
                _("'{code}' appears more than once").format(code=stage.code),
            )
        seen.add(stage.code)
    for flag in ("won", "lost"):
        marked = [stage for stage in stages if getattr(stage, flag)]
        if len(marked) != 1:
            raise _bad(
                source,
                f"stages.{flag}",
                _("exactly one stage must have {flag} = true, not {count}").format(
                    flag=flag, count=len(marked)
                ),
            )
    for index, stage in enumerate(stages):
        if stage.won and stage.lost:
            raise _bad(source, f"stages[{index}]", _("a stage cannot be both won and lost"))
    if not any(not stage.closed for stage in stages):
        raise _bad(source, "stages", _("at least one stage must be neither won nor lost"))
    return StageConfig(stages=tuple(stages), source=source)


def _stage(source: str, index: int, entry: Any) -> Stage:
    at = f"stages[{index}]"
    if not isinstance(entry, dict):
        raise _bad(source, at, _("must be a table with code and probability"))
    for key in entry:
        if key not in STAGE_KEYS:
            raise _bad(
                source,
                f"{at}.{key}",
                _("unknown key; expected {known}").format(known=", ".join(STAGE_KEYS)),
            )
    for key in ("code", "probability"):
        if key not in entry:
            raise _bad(source, f"{at}.{key}", _("missing"))
    code = entry["code"]
    if not isinstance(code, str) or code not in STAGES:
        raise _bad(
            source,
            f"{at}.code",
            _("'{code}' is not a stage code; choose from {codes}").format(
                code=code, codes=", ".join(STAGES)
            ),
        )
    probability = entry["probability"]
    if isinstance(probability, bool) or not isinstance(probability, int):
        raise _bad(source, f"{at}.probability", _("must be a whole number"))
    if not 0 <= probability <= 100:
        raise _bad(
            source,
            f"{at}.probability",
            _("must be between 0 and 100, not {value}").format(value=probability),
        )
    flags: dict[str, bool] = {}
    for flag in ("won", "lost"):
        value = entry.get(flag, False)
        if not isinstance(value, bool):
            raise _bad(source, f"{at}.{flag}", _("must be true or false"))
        flags[flag] = value
    return Stage(code=code, probability=probability, won=flags["won"], lost=flags["lost"])
