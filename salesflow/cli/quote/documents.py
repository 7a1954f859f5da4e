"""``salesflow quote export``: a quote as a document a customer can receive (PDF, HTML, MD)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from salesflow.cli import context, groups
from salesflow.i18n import _

app = groups.quote


@app.command(
    "export",
    help=_(
        "Write a quote as a customer-ready document: PDF, HTML or Markdown, chosen by the "
        "suffix of --to. Our company header comes from the company_* settings of the "
        "config file; Chinese documents carry the total in capitals (大写金额). Audited."
    ),
)
def export(
    number: Annotated[
        str, typer.Argument(metavar="QUOTE", help=_("Quote number, e.g. Q-2026-0001."))
    ],
    to: Annotated[
        Path,
        typer.Option(
            "--to",
            metavar="FILE",
            help=_("File to write: .pdf, .html or .md (the suffix picks the format)."),
        ),
    ],
    version: Annotated[
        int | None,
        typer.Option(
            "--version",
            metavar="N",
            min=1,
            help=_("Export this version (default: the current one)."),
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="zh|en",
            help=_(
                "Language of the document (default: zh when the customer's name is "
                "Chinese, else en)."
            ),
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help=_("Replace the file if it exists.")),
    ] = False,
    draft: Annotated[
        bool,
        typer.Option(
            "--draft",
            help=_(
                "Export a draft or pending quote too, its title marked as a draft "
                "(not an offer), for review."
            ),
        ),
    ] = False,
) -> None:
    from salesflow.documents.export import check_target, export_quote, format_for
    from salesflow.workflow.quote_documents import parse_language

    # Bad input is refused before the database is opened.
    format_for(to)
    parse_language(lang)
    check_target(to.expanduser().absolute(), force=force)
    settings = context.settings()
    with context.acting(write=True) as (session, actor):
        result = export_quote(
            session,
            actor,
            number,
            to=to,
            settings=settings,
            version=version,
            lang=lang,
            force=force,
            draft=draft,
        )
    print(result.path)
    sys.stdout.flush()
    note = _("Exported quote {number} v{version} ({lang}) as {fmt}.").format(
        number=result.number, version=result.version, lang=result.lang, fmt=result.fmt.upper()
    )
    if result.font:
        note += " " + _("Font: {font}.").format(font=result.font)
    context.note(note)
