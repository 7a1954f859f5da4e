"""The one translation function every user-facing string passes through, and the language.

Messages are written in English in the code (the gettext message ids); the Chinese ones
live in ``salesflow/locale/zh/LC_MESSAGES/salesflow.po``, compiled to the ``.mo`` file next
to it that ships with the package (``scripts/i18n.py`` extracts, updates and compiles them
with Babel). Stored values never pass through here: codes stay language-neutral.

The language of a run is chosen by :func:`choose_language` (``--lang``, else
``SALESFLOW_LANG``, else ``lang`` in the config file, else the locale) and set with
:func:`set_language`; until then it is English. This module imports nothing heavy.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from pathlib import Path

DOMAIN = "salesflow"
LOCALE_DIR = Path(__file__).parent / "locale"
# The languages salesflow speaks; the first is the one the code is written in.
SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "zh")
# Locale variables in gettext's order of precedence.
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
# Other ways people write the two languages (compared in lower case, '-' read as '_').
_SPELLINGS = {
    "english": "en",
    "英文": "en",
    "英语": "en",
    "chinese": "zh",
    "中文": "zh",
    "简体中文": "zh",
    "汉语": "zh",
    "zh_hans": "zh",
    "zh_cn": "zh",
    "zh_sg": "zh",
    "zh_hans_cn": "zh",
}

# The language of the run (one process may run several, as the tests do).
_state = {"language": SOURCE_LANGUAGE}


def language_code(raw: str) -> str | None:
    """The language code for ``zh``, ``zh_CN.UTF-8``, ``zh-Hans``, ``中文``, ``en_US``...

    None when the text names no language salesflow speaks (``fr``, ``C``, ``POSIX``).
    """
    text = raw.strip().split(".")[0].split("@")[0].replace("-", "_").lower()
    if text in _SPELLINGS:
        return _SPELLINGS[text]
    base = text.split("_")[0]
    return base if base in LANGUAGES else None


def locale_language(environ: Mapping[str, str]) -> tuple[str, str] | None:
    """The language the locale asks for, and the variable that said so (None if none).

    Like gettext: the first of LANGUAGE, LC_ALL, LC_MESSAGES and LANG that is set decides;
    LANGUAGE may list several, most preferred first.
    """
    for variable in LOCALE_VARIABLES:
        value = environ.get(variable, "")
        if not value:
            continue
        for part in value.split(":"):
            code = language_code(part)
            if code:
                return code, variable
        if variable != "LANGUAGE":
            return None
    return None


def set_language(code: str) -> None:
    """Speak ``code`` (one of LANGUAGES) from now on."""
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}")
    _state["language"] = code


def current_language() -> str:
    return _state["language"]


@contextmanager
def speaking(code: str) -> Iterator[None]:
    """Speak ``code`` inside the block, then the language before it again."""
    before = _state["language"]
    set_language(code)
    try:
        yield
    finally:
        set_language(before)


@cache
def _translations(code: str) -> gettext.NullTranslations:
    if code == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _translations(_state["language"]).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """Translate a message that depends on a count."""
    return _translations(_state["language"]).ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """Translate a message whose words mean different things in different places ("Name"
    of a person and of a product): ``context`` tells them apart in the catalog."""
    return _translations(_state["language"]).pgettext(context, message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it (it is translated where it
    is shown, with ``_(message)``): tables of labels, help texts built before the language
    is known."""
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular and plural message for the catalog (translated where it is shown,
    with ``ngettext(singular, plural, count)``)."""
    return singular, plural


# Help texts with values put in at import time: the text given to Typer -> (message id,
# values), so that :func:`translated_help` can translate it once the language is known.
_FORMATTED_HELP: dict[str, tuple[str, dict[str, object]]] = {}


def help_format(message: str, **values: object) -> str:
    """A help text with ``values`` put in, translatable later by :func:`translated_help`."""
    text = message.format(**values)
    _FORMATTED_HELP[text] = (message, values)
    return text


def translated_help(text: str) -> str:
    """A help text (as given to Typer, in English) in the current language."""
    formatted = _FORMATTED_HELP.get(text)
    if formatted is not None:
        message, values = formatted
        return _(message).format(**values)
    return _(text)


def environment_language(environ: Mapping[str, str] | None = None) -> str:
    """The language the environment asks for without the config file: SALESFLOW_LANG if
    it names a language salesflow speaks, else the locale's, else English."""
    env = os.environ if environ is None else environ
    explicit = language_code(env.get("SALESFLOW_LANG", ""))
    if explicit:
        return explicit
    found = locale_language(env)
    return found[0] if found else SOURCE_LANGUAGE


def format_date(day: date) -> str:
    """A day as people read it: 2026年11月22日 in Chinese, 2026-11-22 in English (JSON and
    CSV keep ISO dates whatever the language)."""
    if isinstance(day, datetime):
        day = day.astimezone().date()
    if _state["language"] == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return day.isoformat()


def format_datetime(moment: datetime) -> str:
    """A moment in the person's local time: 2026年11月22日 14:30 / 2026-11-22 14:30."""
    local = moment.astimezone()
    return f"{format_date(local.date())} {local:%H:%M}"


def format_month(year: int, month: int) -> str:
    """A month: 2026年11月 / 2026-11."""
    return f"{year}年{month}月" if _state["language"] == "zh" else f"{year}-{month:02d}"
