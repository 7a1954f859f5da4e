"""The ``salesflow`` command: global options, the command groups, and error handling."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from salesflow import __version__
from salesflow.cli import context, init, today
from salesflow.cli.errors import EXIT_USAGE, report, report_unexpected
from salesflow.cli.groups import GROUPS, register_commands
from salesflow.cli.language import lang_from_args, translate_commands, usage_message
from salesflow.config import run_language
from salesflow.i18n import SOURCE_LANGUAGE, _, environment_language, speaking
from salesflow.workflow.errors import SalesflowError

app = typer.Typer(
    name="salesflow",
    help=_("salesflow: the sales process in your terminal, from lead to payment and care."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def env_flag(name: str) -> bool:
    """An on/off environment variable: 1, true, yes or on (any case) mean on."""
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _show_version(value: bool) -> None:
    if value:
        print(f"salesflow {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    db_url: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="URL",
            help=_("Database URL or SQLite file (else SALESFLOW_DB_URL, config, default)."),
        ),
    ] = None,
    as_user: Annotated[
        str | None,
        typer.Option(
            "--as",
            metavar="USER",
            help=_("Act as this user (else SALESFLOW_USER, config, your login)."),
        ),
    ] = None,
    no_input: Annotated[
        bool,
        typer.Option("--no-input", help=_("Never prompt; a missing value is an error.")),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help=_("Show tracebacks for unexpected errors."))
    ] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="zh|en",
            help=_(
                "Language people read: zh (简体中文) or en (English) "
                "(else SALESFLOW_LANG, config, locale)."
            ),
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help=_("Show the version.")
        ),
    ] = False,
) -> None:
    context.reset(
        db=db_url,
        as_user=as_user,
        no_input=no_input or env_flag("SALESFLOW_NO_INPUT"),
        debug=debug or env_flag("SALESFLOW_DEBUG"),
        lang=lang,
    )


app.command("init", help=init.INIT_HELP)(init.init_command)
app.command("today", help=today.TODAY_HELP)(today.today_command)
for _name, (_group, _modules) in GROUPS.items():
    app.add_typer(_group, name=_name)


def _is_usage_error(exc: Exception) -> bool:
    # Typer carries its own copy of Click; its usage errors have these two attributes.
    return hasattr(exc, "exit_code") and hasattr(exc, "format_message")


def run(argv: list[str] | None = None) -> int:
    """Run salesflow with ``argv`` and return the exit code (tests call this directly)."""
    args = list(sys.argv[1:] if argv is None else argv)
    # The command modules are imported in English: their help texts are message ids.
    with speaking(SOURCE_LANGUAGE):
        register_commands(args)
    context.reset()
    try:
        language = run_language(lang_from_args(args))
    except SalesflowError as exc:
        with speaking(environment_language()):
            report(exc.message, exc.hint)
        return exc.exit_code
    with speaking(language):
        return _run(args)


def _run(args: list[str]) -> int:
    debug = "--debug" in args or env_flag("SALESFLOW_DEBUG")
    try:
        command = typer.main.get_command(app)
        translate_commands(command, args)
        result = command.main(args=args, prog_name="salesflow", standalone_mode=False)
    except SalesflowError as exc:
        report(exc.message, exc.hint)
        return exc.exit_code
    except typer.Abort:
        report(_("Cancelled."))
        return 130
    except KeyboardInterrupt:
        report(_("Interrupted."))
        return 130
    except Exception as exc:
        if _is_usage_error(exc):
            path = getattr(getattr(exc, "ctx", None), "command_path", "salesflow")
            code = exc.exit_code  # type: ignore[attr-defined]
            if not exc.format_message().strip():  # type: ignore[attr-defined]
                # A group run without a command: its help was printed, nothing more to say.
                return code if isinstance(code, int) and code else EXIT_USAGE
            report(
                usage_message(exc.format_message()),  # type: ignore[attr-defined]
                hint=_("Run '{command} --help' for usage.").format(command=path),
            )
            return code if isinstance(code, int) and code else EXIT_USAGE
        report_unexpected(exc, debug=debug or context.state.debug)
        return 1
    finally:
        sys.stdout.flush()
    return result if isinstance(result, int) else 0


def main() -> None:
    sys.exit(run())
