"""A quote document as Markdown: headings, facts, and a line table whose columns line up.

Widths count East Asian wide characters as two columns, as terminals and editors show
them, so a Chinese table lines up too; numbers are right-aligned (``---:``). Characters
that mean something in Markdown (``|``, ``*``, ``<`` ...) are escaped in the texts.
"""

from __future__ import annotations

import re
import unicodedata

from salesflow.documents.layout import layout
from salesflow.workflow.quote_documents import QuoteDocument

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#])")


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def escape(text: str) -> str:
    """Text shown literally in Markdown; line breaks become spaces."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _pad(text: str, size: int, right: bool) -> str:
    gap = " " * (size - width(text))
    return gap + text if right else text + gap


def table(
    headers: list[str], right: list[bool], rows: list[list[str]], *, escaped: bool = False
) -> list[str]:
    """A pipe table padded to line up; ``escaped``: the cells are Markdown already."""
    cells = [[cell if escaped else escape(cell) for cell in row] for row in [headers, *rows]]
    sizes = [max(3, *(width(row[index]) for row in cells)) for index in range(len(headers))]

    def line(row: list[str]) -> str:
        padded = (_pad(cell, sizes[i], right[i]) for i, cell in enumerate(row))
        return "| " + " | ".join(padded) + " |"

    rule = (
        "| "
        + " | ".join(
            "-" * (size - 1) + ":" if right[i] else "-" * size for i, size in enumerate(sizes)
        )
        + " |"
    )
    return [line(cells[0]), rule, *(line(row) for row in cells[1:])]


def _facts(pairs: list[tuple[str, str]]) -> list[str]:
    return [f"- **{escape(label)}**: {escape(value)}" for label, value in pairs]


def render_markdown(doc: QuoteDocument) -> str:
    view = layout(doc)
    words = view.words
    out = [f"# {escape(doc.company.name)}", ""]
    if view.company_lines:
        out += [*_facts(view.company_lines), ""]
    out += [f"## {words['title']} {escape(doc.number)} v{doc.version}", ""]
    out += [*_facts(view.quote_facts), ""]
    out += [*_facts(view.customer_facts), ""]
    out += [f"*{words['currency_note']}*", ""]
    if view.rows:
        out += table(view.headers, view.right, view.rows)
    else:
        out.append(words["no_lines"])
    out.append("")
    total_label, total_value = view.grand_total
    totals = [[escape(label), escape(value)] for label, value in view.totals]
    totals.append([f"**{escape(total_label)}**", f"**{escape(total_value)}**"])
    out += table(["", ""], [False, True], totals, escaped=True)
    if view.capitals:
        label, value = view.capitals
        out += ["", f"**{escape(label)}**: {escape(value)}"]
    if view.terms:
        out += ["", f"### {words['terms']}", "", *_facts(view.terms)]
    return "\n".join(out) + "\n"
