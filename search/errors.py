"""One exception hierarchy for the whole engine.

Every error a user can cause or meet derives from :class:`SearchError` and
carries the exit code the command line maps it to, so the CLI converts
exceptions in one place and embedders catch one base class.
"""

from __future__ import annotations


class SearchError(Exception):
    """Base class: a problem the user can act on, with a one-line message."""

    exit_code = 1


class QuerySyntaxError(SearchError):
    """The query text cannot be parsed (unbalanced quotes, unknown field, …)."""

    exit_code = 2

    def __init__(self, query: str, problem: str) -> None:
        self.query = query
        self.problem = problem
        super().__init__(f"bad query {query[:80]!r}: {problem}")


class IndexMissingError(SearchError):
    """There is no index at the location and nothing to build it from."""

    exit_code = 3


class IndexDamagedError(SearchError):
    """The index folder exists but cannot be read."""

    exit_code = 3


class IndexLockedError(SearchError):
    """Another process is writing the index."""

    exit_code = 4


class SourceError(SearchError):
    """A source file cannot be read or decoded; the rest of a build goes on."""

    exit_code = 1

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class NoSourcesError(SearchError):
    """The given folders hold no supported source file."""

    exit_code = 1


class SynonymsError(SearchError):
    """A synonym file cannot be read or has a malformed rule; names the file
    and line.  A usage error, like a malformed query."""

    exit_code = 2

    def __init__(self, path: object, line: int | None, problem: str) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = self.path if line is None else f"{self.path}, line {line}"
        super().__init__(f"synonyms {where}: {problem}")
