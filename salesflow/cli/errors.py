"""Turning any failure into one line on stderr and an exit code."""

from __future__ import annotations

import os
import sys
import traceback

from salesflow.i18n import _

EXIT_REFUSED = 1
EXIT_USAGE = 2


def _styled(text: str) -> str:
    if sys.stderr.isatty() and "NO_COLOR" not in os.environ:
        return f"\x1b[1;31m{text}\x1b[0m"
    return text


def report(message: str, hint: str | None = None) -> None:
    """``Error: <message> Hint: <hint>`` as a single line on stderr."""
    text = " ".join(message.split())
    line = _styled(_("Error:")) + _after(_("Error:")) + text
    if hint:
        line += " " + _("Hint:") + _after(_("Hint:")) + " ".join(hint.split())
    print(line, file=sys.stderr)


def _after(label: str) -> str:
    """A space after "Error:", none after the full-width "错误：" (it has its own)."""
    return "" if label.endswith("：") else " "


def report_unexpected(exc: BaseException, *, debug: bool) -> None:
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
        return
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    report(
        _("Unexpected failure: {reason}").format(reason=reason),
        hint=_("Run again with --debug to see the traceback, and report it."),
    )
