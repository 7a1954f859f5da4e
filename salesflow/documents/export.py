"""``quote export``: one quote version written as a PDF, HTML or Markdown file, audited.

The format comes from the file's suffix (.pdf, .html/.htm, .md/.markdown). An existing
file is never replaced unless asked (``force``). The document is rendered in full first,
then written to a hidden temporary file beside the target and renamed over it, so the
target is either the whole new document or untouched. The export is recorded in the audit
trail like a lead export (action ``export``, entity ``quote``).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from salesflow.i18n import _
from salesflow.workflow.errors import InputError, Refused

if TYPE_CHECKING:
    from sqlmodel import Session

    from salesflow.config import Settings
    from salesflow.store.models import User
    from salesflow.workflow.quote_documents import QuoteDocument

SUFFIX_FORMATS = {
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".markdown": "md",
}


@dataclass(frozen=True)
class DocumentExport:
    path: Path
    fmt: str
    number: str
    version: int
    lang: str
    font: str | None  # the PDF's font file (None for HTML and Markdown)


def format_for(path: Path) -> str:
    """The document format of ``path`` from its suffix; anything else is refused."""
    fmt = SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            _("Cannot tell the document format of '{path}' (--to).").format(path=path),
            hint=_("Name a .pdf, .html or .md file."),
        )
    return fmt


def check_target(path: Path, *, force: bool) -> None:
    """Refuse a target that exists (without ``force``), is a folder, or has no folder, or
    whose name the file system refuses (too long, a NUL)."""
    try:
        if "\0" in str(path):
            raise ValueError("embedded null byte")
        path.exists()
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise InputError(
            _("Cannot write {path}: {reason}.").format(path=path, reason=reason)
        ) from exc
    if path.is_dir():
        raise InputError(_("{path} is a folder (--to).").format(path=path))
    if not path.parent.is_dir():
        raise InputError(
            _("The folder of {path} does not exist (--to).").format(path=path),
            hint=_("Create the folder first, or name a file in an existing one."),
        )
    if path.exists() and not force:
        raise Refused(
            _("{path} already exists; not overwritten.").format(path=path),
            hint=_("Pass --force to replace it, or choose another file name."),
        )


def render(doc: QuoteDocument, fmt: str, settings: Settings) -> tuple[bytes, str | None]:
    """The document's bytes in ``fmt``, and the font file a PDF embeds."""
    if fmt == "md":
        from salesflow.documents.markdown import render_markdown

        return render_markdown(doc).encode("utf-8"), None
    if fmt == "html":
        from salesflow.documents.html import render_html

        return render_html(doc).encode("utf-8"), None
    from salesflow.documents.fonts import NoCJKFont, pdf_font
    from salesflow.documents.pdf import render_pdf

    font = pdf_font(
        doc.has_chinese,
        settings.pdf_font.value,
        settings.pdf_font.source,
    )
    try:
        data = render_pdf(doc, font)
    except UnicodeError as exc:  # Helvetica, the last resort, has Latin-1 only
        raise NoCJKFont(
            _("The PDF's font cannot show every character of this quote."),
            hint=_("Install fonts-noto-cjk, or set pdf_font in the config file."),
        ) from exc
    return data, str(font.regular.path) if font.regular else None


def write_whole(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".part", dir=path.parent
        )
    except OSError as exc:  # a folder we may not write in, a name too long
        raise InputError(
            _("Cannot write {path}: {reason}.").format(path=path, reason=exc.strerror or exc)
        ) from exc
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(
            _("Cannot write {path}: {reason}.").format(path=path, reason=exc.strerror or exc)
        ) from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def export_quote(
    session: Session,
    actor: User,
    number: str,
    *,
    to: Path,
    settings: Settings,
    version: int | None = None,
    lang: str | None = None,
    force: bool = False,
    draft: bool = False,
) -> DocumentExport:
    """Render quote ``number`` to the file ``to`` and audit the export.

    A draft or pending quote is not an offer a customer may hold us to: it is exported
    only with ``draft``, and then its title says it is a draft.
    """
    from salesflow.documents.layout import UNAPPROVED
    from salesflow.store.audit import record_event
    from salesflow.workflow.quote_documents import parse_language, quote_document

    fmt = format_for(to)
    asked = parse_language(lang)
    target = to.expanduser().absolute()
    check_target(target, force=force)
    doc = quote_document(session, actor, number, version, settings=settings, lang=asked)
    if doc.status in UNAPPROVED and not draft:
        raise Refused(
            _(
                "Quote {number} v{version} is {status}: only an approved quote goes to a customer."
            ).format(number=doc.number, version=doc.version, status=doc.status_label),
            hint=_(
                "Submit it for approval ('salesflow quote submit {number}'), or pass --draft "
                "for a copy marked as a draft, for review."
            ).format(number=doc.number),
        )
    data, font = render(doc, fmt, settings)
    check_target(target, force=force)  # again: rendering a long PDF takes a moment
    record_event(
        session,
        action="export",
        entity="quote",
        entity_id=f"{doc.number} v{doc.version}",
        summary=f"quote {doc.number} v{doc.version} as {fmt} ({doc.lang}) to {target}",
    )
    session.flush()  # recorded first: a failed write rolls the record back
    write_whole(target, data)
    return DocumentExport(
        path=target, fmt=fmt, number=doc.number, version=doc.version, lang=doc.lang, font=font
    )
