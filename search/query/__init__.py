"""Queries: text → syntax tree (``syntax``) → the engine's own query tree
and the items each hit is ranked and highlighted by (``compile``, ``tree``).
No Whoosh here: the rank stage evaluates the tree."""

from .compile import compile_query
from .syntax import parse

__all__ = ["compile_query", "parse"]
