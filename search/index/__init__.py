"""Whoosh storage: the schema, building and updating, opening and locking.

Only this package and ``search.query``/``search.searcher`` import Whoosh.
"""
