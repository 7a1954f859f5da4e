"""Customer-ready quote documents: Markdown, HTML and PDF renderers of a QuoteDocument.

The document model is :class:`salesflow.workflow.quote_documents.QuoteDocument`; the
modules here only lay it out: :mod:`.labels` (the words of a document in zh and en and the
number formats), :mod:`.markdown`, :mod:`.html` (a Jinja2 template shipped as package data
in ``templates/``), :mod:`.pdf` (fpdf2, with a CJK font from :mod:`.fonts`), and
:mod:`.export`, which writes a file whole or not at all and audits it.
"""
