"""Every message a person reads passes through the translation function ``_``.

Checked on the source: the message of every salesflow error, every note on stderr, and
every help text must be ``_("...")`` (optionally ``.format(...)``-ed), never a bare string;
every command and command group states its help with ``help=`` rather than a docstring.
"""

from __future__ import annotations

import ast
from pathlib import Path

import salesflow

PACKAGE = Path(salesflow.__file__).parent
ERRORS = {
    "SalesflowError",
    "InputError",
    "NotFound",
    "ConfigurationError",
    "Refused",
    "PermissionDenied",
    "DatabaseError",
    "NotInitialized",
}
MESSAGE_CALLS = ERRORS | {"note", "report"}


def _is_translated(node: ast.expr) -> bool:
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id in {"_", "ngettext", "help_format"}:
            return True
        if isinstance(func, ast.Attribute) and func.attr == "format":
            return _is_translated(func.value)
    return not isinstance(node, ast.Constant | ast.JoinedStr)


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def untranslated() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _call_name(node)
            texts: list[ast.expr] = []
            if name in MESSAGE_CALLS and node.args:
                texts.append(node.args[0])
            texts += [kw.value for kw in node.keywords if kw.arg in {"help", "hint"}]
            registers_command = name in {"command", "Typer"} and "cli" in path.parts
            if registers_command and not any(kw.arg == "help" for kw in node.keywords):
                # Typer would take the docstring, which no translation reaches.
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} (no help=)")
            for text in texts:
                if not _is_translated(text):
                    found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    return found


def test_user_facing_text_is_translatable() -> None:
    assert untranslated() == []


def test_no_message_is_translated_inside_an_f_string() -> None:
    """Babel does not extract ``_("...")`` written inside an f-string, so such a message
    would never reach the catalog (and its completeness test) and stay English."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                found += [
                    f"{path.relative_to(PACKAGE.parent)}:{call.lineno}"
                    for call in ast.walk(node)
                    if isinstance(call, ast.Call) and _call_name(call) in {"_", "ngettext", "N_"}
                ]
    assert found == []
