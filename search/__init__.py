"""Morphology-aware search over Ukrainian and Russian texts.

The public surface: :class:`Engine` and the result and error types.
"""

from .engine import Engine
from .errors import (
    IndexDamagedError,
    IndexLockedError,
    IndexMissingError,
    IndexReadOnlyError,
    NoSourcesError,
    NotAnIndexError,
    QuerySyntaxError,
    SearchError,
    SourceError,
    SynonymsError,
    UsageError,
)
from .models import BuildReport, Hit, Match, Paragraph, Results

__version__ = "0.1.0"

__all__ = [
    "Engine", "Hit", "Match", "Paragraph", "Results", "BuildReport",
    "SearchError", "UsageError", "QuerySyntaxError", "IndexMissingError", "IndexDamagedError",
    "NotAnIndexError", "IndexLockedError", "IndexReadOnlyError", "SourceError", "NoSourcesError",
    "SynonymsError", "__version__",
]
