"""A quote document as one self-contained HTML page (inline CSS, no external files).

Rendered by the Jinja2 template ``templates/quote.html.j2`` (package data) with
autoescaping on, so a product named ``<script>`` shows as text and runs nothing.
"""

from __future__ import annotations

from salesflow.documents.layout import layout
from salesflow.workflow.quote_documents import QuoteDocument

TEMPLATE = "quote.html.j2"


def render_html(doc: QuoteDocument) -> str:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    environment = Environment(
        loader=PackageLoader("salesflow.documents", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    view = layout(doc)
    return environment.get_template(TEMPLATE).render(
        doc=doc, view=view, words=view.words, sep="：" if doc.lang == "zh" else ": "
    )
