"""Batch query files: one query per line, or ``id<TAB>query``.

Blank lines and lines starting with ``#`` are skipped; a query without an
id is known by its line number.  Failures are per query: one malformed line
is reported in its own record and the batch goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from .models import Results


@dataclass(frozen=True)
class BatchQuery:
    id: str
    query: str


@dataclass(frozen=True)
class BatchResult:
    id: str
    query: str
    results: Optional[Results] = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.results is not None

    def to_dict(self) -> dict:
        if self.results is None:
            return {"id": self.id, "query": self.query, "error": self.error}
        data = self.results.to_dict()
        out = {"id": self.id, "query": self.query, "total": data["total"], "hits": data["hits"]}
        out.update({key: data[key] for key in ("suggestions", "notes") if key in data})
        return out


def read_batch(text: str) -> list[BatchQuery]:
    """The queries of a batch file's text (a leading BOM is ignored)."""
    out = []
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        qid, tab, query = line.partition("\t")
        if not tab:
            qid, query = str(number), line
        out.append(BatchQuery(qid.strip() or str(number), query.strip()))
    return out


def as_queries(items: Iterable) -> list[BatchQuery]:
    """Accept strings, ``(id, query)`` pairs or BatchQuery objects."""
    out = []
    for number, item in enumerate(items, 1):
        if isinstance(item, BatchQuery):
            out.append(item)
        elif isinstance(item, str):
            out.append(BatchQuery(str(number), item))
        else:
            qid, query = item
            out.append(BatchQuery(str(qid), query))
    return out
