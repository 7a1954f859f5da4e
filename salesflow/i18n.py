"""The one translation function every user-facing string passes through.

Catalogs are gettext ``.mo`` files under ``salesflow/locale/<lang>/LC_MESSAGES``. Until a
catalog exists for a language, :func:`_` returns the English source text unchanged.
The language comes from ``SALESFLOW_LANG``, else the usual locale variables.
"""

from __future__ import annotations

import gettext
import os
from functools import cache
from pathlib import Path

DOMAIN = "salesflow"
LOCALE_DIR = Path(__file__).parent / "locale"


def requested_languages() -> list[str]:
    """Languages asked for by the environment, most preferred first."""
    explicit = os.environ.get("SALESFLOW_LANG")
    if explicit:
        return [explicit]
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return [part.split(".")[0] for part in value.split(":") if part]
    return []


@cache
def _translations(languages: tuple[str, ...]) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=list(languages), fallback=True)


def _(message: str) -> str:
    """Translate ``message`` into the person's language."""
    return _translations(tuple(requested_languages())).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """Translate a message that depends on a count."""
    return _translations(tuple(requested_languages())).ngettext(singular, plural, count)
