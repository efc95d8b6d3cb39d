"""Ingestion: source files → clean, structured, language-labelled paragraphs.

The stages run in this order, one module each, and know nothing of Whoosh:
``read`` (find files, detect encodings, split JSON Lines into documents) →
Unicode clean-up (``search.analysis.normalize``, shared with queries) →
``markup`` (Markdown/HTML/web-page boilerplate to plain lines) →
``segment`` (paragraphs and their place in the document) → ``detect`` (each
paragraph's language).
"""

from .pipeline import Ingested, ingest, paragraphs_of

__all__ = ["Ingested", "ingest", "paragraphs_of"]
