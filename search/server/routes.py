"""The API's endpoints: parameters → one Engine call → a JSON-ready value.

Each endpoint is a row of :data:`ENDPOINTS`: its path, the Engine method it
calls, its parameter table and a function that runs in a worker thread.
Nothing here searches: the functions call the Engine and shape its answer
the way the command line's ``--format json`` does.
"""

from __future__ import annotations

import inspect
import io
import json
from dataclasses import dataclass
from typing import Callable, Optional

from ..lang import LABELS
from ..render import BatchWriter, render, render_terms
from .params import BadParameter, Param, keywords

MAX_QUERY_CHARS = 1000
MAX_LIMIT = 100
MAX_OFFSET = 1000
MAX_LINES = 2000  # concordance lines in one answer
MAX_KWIC_OFFSET = 100_000
MAX_BATCH = 100  # queries in one batch
MAX_BODY = 256 * 1024  # bytes of a batch body


class TooLarge(BadParameter):
    """A request body or batch over its bound."""


Q = Param("q", str, "The query: words, \"phrases\", AND/OR/NOT, prefix*, lang:/doc:/part:/article: filters.",
          required=True, max_chars=MAX_QUERY_CHARS, keyword=None)
LANG = Param("lang", str, "Only paragraphs in this language.", choices=LABELS)
DOC = Param("doc", str, "Only paragraphs of this document (its id, as in a hit's doc).")
PART = Param("part", str, "Only paragraphs of the instrument named by these words (a hit's part, e.g. Конвенція).")
EXACT = Param("exact", bool, "Match the words as typed, without other inflections, translations or synonyms.",
              default=False)
TRANSLATE = Param("translate", bool, "Also find the words' equivalents in the other language (Ukrainian, Russian).",
                  default=True)
FILTERS = (LANG, DOC, PART, EXACT, TRANSLATE)
WIDTH = Param("width", int, "Characters of context on each side.", default=40, low=5, high=200)
SORT = Param("sort", str, "Order of the lines.", default="doc", choices=("doc", "left", "right", "form"))
STOP_WORDS = Param("all", bool, "Keep stop words, numbers and single letters.", default=False,
                   keyword="stop_words")


def limit(default: int, high: int, keyword: Optional[str] = "") -> Param:
    return Param("limit", int, "How many to answer.", default=default, low=1, high=high, keyword=keyword)


def offset(high: int, keyword: Optional[str] = "") -> Param:
    return Param("offset", int, "How many to skip: the page starts after them.", default=0, low=0, high=high,
                 keyword=keyword)


def top(default: int, help: str) -> Param:
    return Param("top", int, help, default=default, low=1, high=MAX_LIMIT)


# -- the endpoint functions (run in a worker thread) ----------------------------

def search(engine, values: dict, params: tuple[Param, ...]) -> dict:
    results = engine.search(values["q"], **keywords(params, values))
    return json.loads(render(results, "json"))  # the CLI's object, field for field


def kwic(engine, values: dict, params: tuple[Param, ...]) -> dict:
    # All lines are asked for, and the page cut here, to tell their total.
    found = engine.concordance(values["q"], **keywords(params, values))
    page = found[values["offset"]:values["offset"] + values["limit"]]
    return {"query": values["q"], "total": len(found), "offset": values["offset"],
            "lines": [line.to_dict() for line in page]}


def stats(engine, values: dict, params: tuple[Param, ...]) -> dict:
    return engine.term_stats(values["q"], **keywords(params, values)).to_dict()


def terms(engine, values: dict, params: tuple[Param, ...]) -> dict:
    return {"terms": json.loads(render_terms(engine.terms(**keywords(params, values)), "json"))}


def explain(engine, values: dict, params: tuple[Param, ...]) -> dict:
    return engine.explain(values["q"], **keywords(params, values)).to_dict()


def info(engine, values: dict, params: tuple[Param, ...]) -> dict:
    return engine.info().to_dict()


def batch(engine, values: dict, params: tuple[Param, ...], body: bytes) -> str:
    queries = read_batch_lines(body)
    out = io.StringIO()
    writer = BatchWriter(out, "jsonl")
    for result in engine.batch(queries, **keywords(params, values)):
        writer.write(result)
    return out.getvalue()


def read_batch_lines(body: bytes) -> list[tuple[str, str]]:
    """(id, query) pairs of a JSON Lines body: each line an object with
    ``query`` and an optional ``id``, or a bare JSON string."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadParameter("the body is not UTF-8") from None
    queries = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            raise BadParameter(f"line {number} is not JSON") from None
        if isinstance(item, dict) and isinstance(item.get("query"), str):
            qid, query = item.get("id", number), item["query"]
        elif isinstance(item, str):
            qid, query = number, item
        else:
            raise BadParameter(f'line {number} must be {{"id": …, "query": "…"}} or a JSON string')
        if len(query) > MAX_QUERY_CHARS:
            raise BadParameter(f"line {number}: the query is longer than {MAX_QUERY_CHARS} characters")
        queries.append((str(qid), query))
        if len(queries) > MAX_BATCH:
            raise TooLarge(f"a batch holds at most {MAX_BATCH} queries")
    return queries


# -- the table -------------------------------------------------------------------

@dataclass(frozen=True)
class Endpoint:
    path: str
    summary: str
    method: str  # the Engine method it calls
    params: tuple[Param, ...]
    call: Callable
    http: str = "GET"

    def offered(self, engine) -> tuple[Param, ...]:
        """The parameters this engine can honour: an option the Engine's
        method does not take (an older engine's) is not offered."""
        accepted = inspect.signature(getattr(engine, self.method)).parameters
        return tuple(p for p in self.params if p.sets is None or p.sets in accepted)


ENDPOINTS = (
    Endpoint("/api/search", "The best paragraphs for a query: the object of `search query --format json`.",
             "search", (Q, limit(10, MAX_LIMIT), offset(MAX_OFFSET)) + FILTERS, search),
    Endpoint("/api/kwic", "Every occurrence of any form of a word or phrase, in context.",
             "concordance", (Q, WIDTH, SORT, limit(200, MAX_LINES, keyword=None),
                             offset(MAX_KWIC_OFFSET, keyword=None)) + FILTERS, kwic),
    Endpoint("/api/stats", "Occurrences of a term: in total, per form, per document and per article.",
             "term_stats", (Q, top(10, "Documents and articles to list.")) + FILTERS, stats),
    Endpoint("/api/terms", "The most frequent lemmas.",
             "terms", (top(20, "How many lemmas."), LANG, DOC, PART, STOP_WORDS), terms),
    Endpoint("/api/explain", "How a query was analysed and why its top hits rank as they do.",
             "explain", (Q, limit(3, 20)) + FILTERS, explain),
    Endpoint("/api/info", "What the index holds and when it was built.", "info", (), info),
    Endpoint("/api/batch", "Many queries: JSON Lines in ({\"id\", \"query\"} a line), JSON Lines out "
             "(the records of `search batch`).", "batch", (limit(10, MAX_LIMIT),) + FILTERS, batch,
             http="POST"),
)
