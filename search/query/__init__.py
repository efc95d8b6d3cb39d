"""Queries: text → syntax tree (``syntax``) → Whoosh query plus the evidence
each hit is ranked and highlighted by (``compile``)."""

from .syntax import parse

__all__ = ["parse"]
