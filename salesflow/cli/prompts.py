"""Asking for what is missing, when there is a person to ask.

With ``--no-input``, or when stdin or stdout is not a terminal, a missing value is an
error that names the option to pass instead. Prompts are drawn on stderr, so stdout keeps
carrying data only.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

from salesflow.cli import context
from salesflow.i18n import N_, _, current_language
from salesflow.workflow.errors import InputError

# How to pick from a list (questionary's words, in the person's language).
ARROW_KEYS = N_("(Use arrow keys)")


def can_prompt() -> bool:
    return not context.state.no_input and sys.stdin.isatty() and sys.stderr.isatty()


def _missing(option: str) -> InputError:
    return InputError(
        _("Missing value for {option}.").format(option=option),
        hint=_("Pass {option}; there is no terminal to ask in (or --no-input was given).").format(
            option=option
        ),
    )


def _prompt_output() -> Any:
    from prompt_toolkit.output import create_output

    return create_output(stdout=sys.stderr)


def _answer(question: Any, option: str) -> Any:
    answer = question.unsafe_ask()
    if answer is None:
        raise _missing(option)
    return answer


def ask_choice(message: str, choices: Sequence[tuple[str, str]], *, option: str) -> str:
    """Pick one of ``choices`` (code, label); returns the code."""
    if not can_prompt():
        raise _missing(option)
    import questionary

    question = questionary.select(
        message,
        choices=[
            questionary.Choice(title=f"{label} ({code})", value=code) for code, label in choices
        ],
        instruction=_(ARROW_KEYS),
        output=_prompt_output(),
    )
    return str(_answer(question, option))


def ask_text(message: str, *, option: str, default: str = "") -> str:
    if not can_prompt():
        raise _missing(option)
    import questionary

    question = questionary.text(message, default=default, output=_prompt_output())
    return str(_answer(question, option))


def ask_select(
    message: str,
    choices: Sequence[tuple[str, str]],
    *,
    option: str,
    default: str | None = None,
) -> str:
    """Pick one of ``choices`` (code, label), starting at ``default``; returns the code."""
    if not can_prompt():
        raise _missing(option)
    import questionary

    items = [questionary.Choice(title=f"{name} ({code})", value=code) for code, name in choices]
    start = next((item for item in items if item.value == default), None)
    question = questionary.select(
        message,
        choices=items,
        default=start,
        instruction=_(ARROW_KEYS),
        output=_prompt_output(),
    )
    return str(_answer(question, option))


def ask_validated(
    message: str,
    *,
    option: str,
    check: Callable[[str], str | None],
    required: bool = False,
    choices: Sequence[str] | None = None,
) -> str:
    """Free text checked as it is typed: ``check`` returns the problem, or ``None``.

    With ``choices`` the answer completes from them (official place names, say) but any
    text the check accepts is taken. An empty answer skips an optional question.
    """
    if not can_prompt():
        raise _missing(option)
    import questionary

    def validate(text: str) -> bool | str:
        if not text.strip() and not required:
            return True
        problem = check(text)
        return True if problem is None else problem

    if choices:
        question = questionary.autocomplete(
            message,
            choices=list(choices),
            validate=validate,
            validate_while_typing=False,
            output=_prompt_output(),
        )
    else:
        question = questionary.text(
            message, validate=validate, validate_while_typing=False, output=_prompt_output()
        )
    return str(_answer(question, option)).strip()


def _confirm_instruction(default: bool) -> str | None:
    """The keys of a yes/no question in Chinese; questionary's own (Y/n) in English (it is
    shown only until the question is answered)."""
    if current_language() == "en":
        return None
    return _("(Y/n) ") if default else _("(y/N) ")


def ask_confirm(message: str, *, option: str, default: bool = False) -> bool:
    """A yes/no question."""
    if not can_prompt():
        raise _missing(option)
    import questionary

    question = questionary.confirm(
        message, default=default, instruction=_confirm_instruction(default), output=_prompt_output()
    )
    return bool(_answer(question, option))


def ask_optional_choice(
    message: str, choices: Sequence[tuple[str, str]], *, option: str, skip_label: str
) -> str | None:
    """Pick one of ``choices`` (code, label) or skip (the first entry); ``None`` when skipped."""
    if not can_prompt():
        raise _missing(option)
    import questionary

    question = questionary.select(
        message,
        choices=[
            questionary.Choice(title=skip_label, value=""),
            *(questionary.Choice(title=f"{label} ({code})", value=code) for code, label in choices),
        ],
        instruction=_(ARROW_KEYS),
        output=_prompt_output(),
    )
    return str(_answer(question, option)) or None


def check_with(parse: Callable[[str], object]) -> Callable[[str], str | None]:
    """A workflow parser as an :func:`ask_validated` check: its refusal's message, or ``None``."""

    def run(text: str) -> str | None:
        try:
            parse(text)
        except InputError as exc:
            return exc.message
        return None

    return run
