"""A quote document as a PDF (A4, fpdf2), with a CJK font embedded so Chinese shows.

The font comes from :mod:`salesflow.documents.fonts`. The line table repeats its header
row on every page and wraps long names; numbers are right-aligned; the totals block, the
total in capitals and the terms follow, kept together; every page's footer carries the
quote number and "page n of m". fpdf2 is imported inside :func:`render_pdf` (it is heavy).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from salesflow.documents.fonts import PdfFont
from salesflow.documents.layout import Layout, layout
from salesflow.workflow.quote_documents import QuoteDocument

FAMILY = "doc"
MARGIN = 12.0  # mm
# The line table's column widths in mm (A4 is 210 wide: 186 between the margins).
COLUMN_WIDTHS = (8, 20, 36, 10, 14, 20, 12, 10, 20, 16, 20)
INK = (31, 35, 40)
MUTED = (87, 96, 106)
ACCENT = (31, 78, 121)
RULE = (208, 215, 222)
HEADING_FILL = (238, 243, 248)
ZEBRA = (248, 250, 252)


def _install_font(pdf: Any, font: PdfFont) -> str:
    if font.regular is None:
        return "helvetica"
    regular = font.regular
    pdf.add_font(FAMILY, "", str(regular.path), collection_font_number=regular.index)
    bold = font.bold or regular
    pdf.add_font(FAMILY, "B", str(bold.path), collection_font_number=bold.index)
    return FAMILY


@dataclass
class _Page:
    """The PDF being written and what its parts share."""

    pdf: Any
    family: str
    doc: QuoteDocument
    view: Layout

    @property
    def sep(self) -> str:
        return "：" if self.doc.lang == "zh" else ": "

    @property
    def label_width(self) -> float:
        return 20.0 if self.doc.lang == "zh" else 24.0

    def font(self, size: float, *, bold: bool = False, color: tuple[int, int, int] = INK) -> None:
        self.pdf.set_font(self.family, "B" if bold else "", size)
        self.pdf.set_text_color(*color)


def render_pdf(doc: QuoteDocument, font: PdfFont) -> bytes:
    """The document as PDF bytes, set in ``font``."""
    from fpdf import FPDF

    view = layout(doc)
    words = view.words
    footer_right = f"{doc.company.name} · {words['title']} {doc.number} v{doc.version}"

    class QuotePdf(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(family, "", 7.5)
            self.set_text_color(*MUTED)
            # The page count is filled in at the end: left-aligned, its width does not matter.
            page = words["page"].format(page=self.page_no(), pages="{nb}")
            self.cell(0, 5, page, align="L")
            self.set_x(self.l_margin)
            self.cell(0, 5, footer_right, align="R")

    pdf = QuotePdf(orientation="portrait", unit="mm", format="A4")
    family = _install_font(pdf, font)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_title(f"{words['title']} {doc.number} v{doc.version}")
    pdf.set_author(doc.company.name)
    pdf.set_creator("salesflow")
    pdf.set_lang("zh-CN" if doc.lang == "zh" else "en")
    pdf.alias_nb_pages()
    pdf.add_page()
    page = _Page(pdf, family, doc, view)
    _letterhead(page)
    _parties(page)
    _lines(page)
    _totals(page)
    _terms(page)
    return bytes(pdf.output())


def _letterhead(page: _Page) -> None:
    """Our company on the left, the title and number on the right, a rule below."""
    pdf, doc, view = page.pdf, page.doc, page.view
    width = pdf.epw
    top = pdf.get_y()
    page.font(15, bold=True, color=ACCENT)
    pdf.multi_cell(width * 0.62, 7, doc.company.name, new_x="LMARGIN", new_y="NEXT")
    page.font(8, color=MUTED)
    for label, value in view.company_lines:
        text = f"{label}{page.sep}{value}"
        pdf.multi_cell(width * 0.62, 4, text, new_x="LMARGIN", new_y="NEXT")
    bottom = pdf.get_y()
    pdf.set_xy(MARGIN + width * 0.62, top)
    page.font(18, bold=True)
    pdf.cell(width * 0.38, 9, view.words["title"], align="R", new_x="LEFT", new_y="NEXT")
    page.font(9.5)
    pdf.cell(width * 0.38, 5, f"{doc.number} · v{doc.version}", align="R")
    pdf.set_y(max(bottom, top + 15) + 2)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.6)
    pdf.line(MARGIN, pdf.get_y(), MARGIN + width, pdf.get_y())
    pdf.ln(3)


def _parties(page: _Page) -> None:
    """The customer (left) and the quote's facts (right)."""
    pdf, view = page.pdf, page.view
    width = pdf.epw
    top = pdf.get_y()
    half = width / 2 - 3

    def facts(pairs: list[tuple[str, str]], x: float) -> float:
        pdf.set_xy(x, top)
        for label, value in pairs:
            pdf.set_x(x)
            page.font(8.5, color=MUTED)
            pdf.cell(page.label_width, 5, label)
            page.font(9)
            pdf.multi_cell(half - page.label_width, 5, value, new_x="LEFT", new_y="NEXT")
        return float(pdf.get_y())

    left_end = facts(view.customer_facts, MARGIN)
    right_end = facts(view.quote_facts, MARGIN + width / 2 + 3)
    pdf.set_xy(MARGIN, max(left_end, right_end) + 2)
    page.font(7.5, color=MUTED)
    pdf.cell(0, 4, view.words["currency_note"], align="R", new_x="LMARGIN", new_y="NEXT")


def _lines(page: _Page) -> None:
    """The line table: the header row repeats on every page, numbers right-aligned."""
    from fpdf.enums import TableCellFillMode
    from fpdf.fonts import FontFace

    pdf, view = page.pdf, page.view
    page.font(7.5)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    align = tuple("RIGHT" if right else "LEFT" for right in view.right)
    with pdf.table(
        col_widths=COLUMN_WIDTHS,
        width=pdf.epw,
        text_align=align,
        line_height=4.6,
        repeat_headings=1,
        headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL, color=INK),
        cell_fill_color=ZEBRA,
        cell_fill_mode=TableCellFillMode.EVEN_ROWS,
        padding=(1, 1.2),
    ) as table:
        table.row(view.headers)
        for row in view.rows:
            table.row(row)
        if not view.rows:
            table.row([view.words["no_lines"], *[""] * (len(view.headers) - 1)])


def _totals(page: _Page) -> None:
    """The totals block on the right, then the total in capitals; kept on one page."""
    pdf, view = page.pdf, page.view
    needed = (len(view.totals) + 1) * 5.5 + 10 + (10 if view.capitals else 0)
    needed += len(view.terms) * 5 + 12
    if pdf.get_y() + needed > pdf.h - 18:
        pdf.add_page()
    pdf.ln(3)
    value_width = label_width = 34.0
    left = MARGIN + pdf.epw - value_width - label_width
    for label, value in view.totals:
        pdf.set_x(left)
        page.font(9, color=MUTED)
        pdf.cell(label_width, 5.5, label)
        page.font(9)
        pdf.cell(value_width, 5.5, value, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.5)
    pdf.line(left, pdf.get_y() + 0.5, MARGIN + pdf.epw, pdf.get_y() + 0.5)
    pdf.ln(1.2)
    pdf.set_x(left)
    label, value = view.grand_total
    page.font(11, bold=True)
    pdf.cell(label_width, 7, label)
    pdf.cell(value_width, 7, value, align="R", new_x="LMARGIN", new_y="NEXT")
    if view.capitals:
        label, value = view.capitals
        pdf.ln(2)
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.2)
        pdf.set_fill_color(*ZEBRA)
        page.font(10, bold=True)
        caption = " " + label + page.sep
        pdf.cell(pdf.get_string_width(caption) + 2, 8, caption, border="LTB", fill=True)
        page.font(10)
        pdf.cell(0, 8, value, border="RTB", fill=True, new_x="LMARGIN", new_y="NEXT")


def _terms(page: _Page) -> None:
    """Payment and delivery terms, notes and who prepared the quote."""
    pdf, view = page.pdf, page.view
    if not view.terms:
        return
    pdf.ln(4)
    page.font(10, bold=True)
    pdf.cell(0, 6, view.words["terms"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    pdf.line(MARGIN, pdf.get_y(), MARGIN + pdf.epw, pdf.get_y())
    pdf.ln(1)
    for label, value in view.terms:
        page.font(8.5, color=MUTED)
        pdf.cell(page.label_width + 4, 5, label)
        page.font(9)
        pdf.multi_cell(0, 5, value, new_x="LMARGIN", new_y="NEXT")
