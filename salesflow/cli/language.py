"""The interface's language on the command line: ``--lang``, help texts and usage errors.

Typer builds the commands from help texts given when the command modules are imported,
always in English (:func:`salesflow.cli.main.run` imports them before it switches the
language). Before a run in another language, :func:`translate_commands` replaces every
command's and option's help with its translation, and Typer's own panel titles; the
usage errors of Typer's parser, written in English without gettext, are translated by
:func:`usage_message` from their known shapes.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from salesflow.i18n import N_, SOURCE_LANGUAGE, _, current_language, translated_help

ROOT_VALUE_OPTIONS = frozenset({"--db", "--as", "--lang"})
HELP_OPTION_NAMES = ["-h", "--help"]

# Typer's help panels and marks (typer.rich_utils constants) in the catalog's words.
RICH_TEXTS = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
    "DEFAULT_STRING": N_("[default: {}]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "DEPRECATED_STRING": N_("(deprecated) "),
}
HELP_OPTION_HELP = N_("Show this message and exit.")


def lang_from_args(args: Sequence[str]) -> str | None:
    """The value of the global ``--lang`` option, found before Typer parses the line.

    Only the options before the command are read (``quote export --lang`` is the
    document's language, not the interface's).
    """
    index = 0
    while index < len(args):
        word = args[index]
        if word.startswith("--lang="):
            return word.partition("=")[2]
        if word in ROOT_VALUE_OPTIONS:
            if word == "--lang":
                return args[index + 1] if index + 1 < len(args) else None
            index += 2
            continue
        if not word.startswith("-") or word == "--":
            return None
        index += 1
    return None


def help_wanted(command: Any, args: Sequence[str]) -> bool:
    """Whether a run may print help: --help, or the words name a group, not a command."""
    if any(word in HELP_OPTION_NAMES for word in args):
        return True
    current = command
    words = [
        word
        for index, word in enumerate(args)
        if not word.startswith("-") and (index == 0 or args[index - 1] not in ROOT_VALUE_OPTIONS)
    ]
    for word in words:
        commands = getattr(current, "commands", None)
        if not commands or word not in commands:
            break
        current = commands[word]
    return bool(getattr(current, "commands", None))


def translate_commands(command: Any, args: Sequence[str]) -> None:
    """Put every help text of ``command`` and the commands under it in the current
    language (the English texts are the catalog's message ids).

    Typer's help panels live in typer.rich_utils, which loads rich's Markdown (tens of
    milliseconds): it is only loaded here when help may be shown (:func:`help_wanted`) in
    another language, else only put back in English when a help run loaded it earlier.
    """
    english = current_language() == SOURCE_LANGUAGE
    if "typer.rich_utils" in sys.modules or (not english and help_wanted(command, args)):
        from typer import rich_utils

        for name, message in RICH_TEXTS.items():
            setattr(rich_utils, name, _(message))
    if english:
        return
    stack = [command]
    while stack:
        current = stack.pop()
        for attribute in ("help", "short_help", "epilog"):
            text = getattr(current, attribute, None)
            if isinstance(text, str) and text:
                setattr(current, attribute, translated_help(text))
        for param in current.params:
            text = getattr(param, "help", None)
            if isinstance(text, str) and text:
                param.help = translated_help(text)
        # Click makes the --help option when first asked for it, then keeps it.
        help_option = current.get_help_option(SimpleNamespace(help_option_names=HELP_OPTION_NAMES))
        if help_option is not None:
            help_option.help = _(HELP_OPTION_HELP)
        stack.extend(getattr(current, "commands", {}).values())


# Typer's usage errors, most specific first: (shape, message id). The message ids name
# the shape's groups; "message" is itself translated (it nests another shape).
_SUGGESTION = re.compile(r"^(?P<head>.*?)(?:\.)? Did you mean (?P<suggestion>.+)\?$", re.DOTALL)
_POSSIBLE = re.compile(r"^(?P<head>.*) \(Possible options: (?P<options>.+)\)$", re.DOTALL)
USAGE_SHAPES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(shape, re.DOTALL), message)
    for shape, message in (
        (r"No such option: (?P<option>.+)", N_("No such option: {option}")),
        (r"No such command (?P<name>.+?)\.?", N_("No such command {name}.")),
        (r"Missing command\.", N_("Missing command.")),
        (r"Missing option (?P<name>.+?)\.?", N_("Missing option {name}.")),
        (r"Missing argument (?P<name>.+?)\.", N_("Missing argument {name}.")),
        (r"Missing parameter: (?P<name>.+)", N_("Missing parameter: {name}")),
        (
            r"Invalid value for (?P<name>.+?): (?P<message>.+)",
            N_("Invalid value for {name}: {message}"),
        ),
        (r"Invalid value: (?P<message>.+)", N_("Invalid value: {message}")),
        # Typer checks values with pydantic, whose messages come through as they are.
        (r"Value error, (?P<message>.+)", "{message}"),
        (r"Input should be a valid integer(?:,.*)?", N_("A whole number is needed.")),
        (r"Input should be a valid number(?:,.*)?", N_("A number is needed.")),
        (r"Input should be a valid boolean(?:,.*)?", N_("Yes or no (true/false) is needed.")),
        (r"(?P<value>.+) is not one of (?P<choices>.+)\.", N_("{value} is not one of {choices}.")),
        (
            r"Value (?P<value>.+) is not a valid (?P<kind>.+)\.",
            N_("{value} is not a valid {kind}."),
        ),
        (
            r"Got unexpected extra arguments? \((?P<arguments>.+)\)",
            N_("Unexpected extra arguments: {arguments}"),
        ),
        (r"Option (?P<option>.+) requires an argument\.", N_("Option {option} needs a value.")),
        (
            r"Option (?P<option>.+) requires (?P<count>\d+) arguments\.",
            N_("Option {option} needs {count} values."),
        ),
        (r"Option (?P<option>.+) does not take a value\.", N_("Option {option} takes no value.")),
    )
)


def usage_message(text: str) -> str:
    """A usage error of Typer's parser in the current language (unknown shapes as they
    are)."""
    if current_language() == SOURCE_LANGUAGE:
        return text
    possible = _POSSIBLE.match(text)
    if possible:
        return _("{message} (possible options: {options})").format(
            message=usage_message(possible["head"]), options=possible["options"]
        )
    suggested = _SUGGESTION.match(text)
    if suggested:
        return _("{message} Did you mean {suggestion}?").format(
            message=usage_message(suggested["head"]), suggestion=suggested["suggestion"]
        )
    for shape, message in USAGE_SHAPES:
        found = shape.fullmatch(text.strip())
        if found:
            values = found.groupdict()
            if "message" in values:
                values["message"] = usage_message(values["message"])
            return (_(message) if message != "{message}" else message).format(**values)
    return text
