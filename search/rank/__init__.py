"""The rank stage: a compiled query → ordered hits, Whoosh behind it.

In order: ``evaluate`` scores every match from the postings (``postings``
reads them, ``bm25`` is the formula, ``filters`` resolves ``lang:``,
``doc:``, ``part:``…), ``candidates`` picks the matches worth reading back,
``evidence`` reads their stored analysis against the query's items,
``order`` sorts them and states the order as the score, and ``snippets``
highlights them.  ``searcher`` runs it all on an open index.  With
``search.index``, this is the only package that imports Whoosh.
"""

from .searcher import Searcher

__all__ = ["Searcher"]
