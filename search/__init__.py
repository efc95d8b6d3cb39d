"""Morphology-aware search over Ukrainian and Russian texts.

The public surface: :class:`Engine` and the result and error types.
"""

from .engine import Engine
from .errors import (
    IndexDamagedError,
    IndexLockedError,
    IndexMissingError,
    NoSourcesError,
    QuerySyntaxError,
    SearchError,
    SourceError,
)
from .models import BuildReport, Hit, Match, Paragraph, Results

__version__ = "0.1.0"

__all__ = [
    "Engine", "Hit", "Match", "Paragraph", "Results", "BuildReport",
    "SearchError", "QuerySyntaxError", "IndexMissingError", "IndexDamagedError",
    "IndexLockedError", "SourceError", "NoSourcesError", "__version__",
]
