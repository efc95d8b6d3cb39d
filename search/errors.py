"""One exception hierarchy for the whole engine, and every exit code.

Every error a user can cause or meet derives from :class:`SearchError` and
carries the exit code the command line maps it to, so the CLI converts
exceptions in one place and embedders catch one base class.
"""

from __future__ import annotations

#: Exit codes of the command line, all of them (the README's table).
EXIT_OK = 0
EXIT_ERROR = 1  # an error the message explains
EXIT_USAGE = 2  # a malformed query or command line
EXIT_INDEX = 3  # no index, a damaged one, or a folder that is not an index
EXIT_LOCKED = 4  # another build holds the index
EXIT_PARTLY = 5  # done, but some sources or queries failed (each named)
EXIT_INTERRUPTED = 130  # Ctrl-C; the index is as it was


class SearchError(Exception):
    """Base class: a problem the user can act on, with a one-line message."""

    exit_code = EXIT_ERROR


class UsageError(SearchError):
    """An argument the engine cannot take (a bad sort, a bad limit, an
    unknown filter value, sources that hold the index)."""

    exit_code = EXIT_USAGE


class QuerySyntaxError(UsageError):
    """The query text cannot be parsed (unbalanced quotes, unknown field, …)."""

    def __init__(self, query: str, problem: str) -> None:
        self.query = query
        self.problem = problem
        super().__init__(f"bad query {query[:80]!r}: {problem}")

    def __reduce__(self):  # crosses from a batch worker process whole
        return type(self), (self.query, self.problem)


class IndexMissingError(SearchError):
    """There is no index at the location and nothing to build it from."""

    exit_code = EXIT_INDEX


class IndexDamagedError(SearchError):
    """The index folder exists but cannot be read."""

    exit_code = EXIT_INDEX


class NotAnIndexError(SearchError):
    """The folder holds files that are not a search index: it is never
    written to, let alone emptied."""

    exit_code = EXIT_INDEX


class IndexLockedError(SearchError):
    """Another process is writing the index."""

    exit_code = EXIT_LOCKED


class IndexReadOnlyError(SearchError):
    """The index folder cannot be written by this user."""

    exit_code = EXIT_ERROR


class SourceError(SearchError):
    """A source file cannot be read or decoded; the rest of a build goes on."""

    exit_code = EXIT_ERROR

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

    def __reduce__(self):
        return type(self), (self.path, self.problem)


class NoSourcesError(SearchError):
    """The given folders hold no supported source file."""

    exit_code = EXIT_ERROR


class SynonymsError(UsageError):
    """A synonym file cannot be read or has a malformed rule; names the file
    and line.  A usage error, like a malformed query."""

    exit_code = EXIT_USAGE

    def __init__(self, path: object, line: int | None, problem: str) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = self.path if line is None else f"{self.path}, line {line}"
        super().__init__(f"synonyms {where}: {problem}")

    def __reduce__(self):
        return type(self), (self.path, self.line, self.problem)
