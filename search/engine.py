"""The Python API: one object that builds, updates and searches an index.

The command line is a thin layer over this class; embedders use it directly::

    from search import Engine

    with Engine.open("indexes/default") as engine:
        engine.index(["sources"])
        for hit in engine.search("злочинна група", limit=3):
            print(hit.citation, hit.snippet)
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Optional, Sequence

from .errors import IndexMissingError, QuerySyntaxError, UsageError
from .models import BuildReport, IndexInfo, Results

if TYPE_CHECKING:
    from .batch import BatchResult
    from .concordance import Line, TermStats
    from .explain import Explanation

#: Environment variables that move the default sources and set how many
#: processes index (``SEARCH_INDEX``, the default index, is the store's).
SOURCES_ENV = "SEARCH_SOURCES"
WORKERS_ENV = "SEARCH_WORKERS"


def default_workers() -> int:
    from_env = os.environ.get(WORKERS_ENV, "")
    return int(from_env) if from_env.isdigit() and int(from_env) > 0 else min(4, os.cpu_count() or 1)


#: Queries below which a batch is searched in one process: starting the
#: others would cost more than they save.
PARALLEL_BATCH = 64


def default_sources() -> list[Path]:
    return [Path(os.environ.get(SOURCES_ENV) or "sources")]


class Engine:
    """A search engine over one index folder."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._searcher = None
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: os.PathLike | str | None = None) -> "Engine":
        """An engine on the index at ``path`` (default: ``$SEARCH_INDEX`` or
        ``indexes/default``).  Nothing is read until it is needed, so an
        engine can be opened before its index is built."""
        from .index.store import default_index_path

        return cls(Path(path) if path is not None else default_index_path())

    # -- lifecycle ---------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = None

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- building ----------------------------------------------------------
    def exists(self) -> bool:
        from .index import store

        return store.exists(self.path)

    def index(self, paths: Iterable[os.PathLike | str] | None = None, *, rebuild: bool = False,
              progress: Optional[Callable[[str], None]] = None, workers: Optional[int] = None,
              memory_mb: Optional[int] = None, text_field: Optional[str] = None,
              add: bool = False) -> BuildReport:
        """Build or update the index from source files and folders.

        Without ``paths``, the folders the index was last built from (or the
        default sources) are used.  Unchanged files are skipped.  Changed
        files are indexed by ``workers`` processes (default: ``$SEARCH_WORKERS``
        or the number of cores, at most 4) when there is enough to do (a
        big JSON Lines file is read in pieces that every worker takes);
        ``memory_mb`` bounds the memory of the whole build, all its
        processes together (default 1024).  ``text_field`` names the field of JSON Lines
        records that holds the text (default: the one of the last build, at
        first ``text``).  With ``add``, ``paths`` join the sources the index
        already holds instead of replacing them.
        """
        from .index import build, store

        manifest = store.read_manifest(self.path) if self.path.is_dir() else {}
        recorded = [Path(r) for r in manifest.get("roots", [])]
        roots = [Path(p) for p in paths] if paths else None
        if roots is None:
            roots = recorded or default_sources()
        elif add:
            roots = recorded + [r for r in roots if r.resolve() not in {x.resolve() for x in recorded}]
        report = build.build(self.path, roots, rebuild=rebuild, progress=progress,
                             workers=workers or default_workers(),
                             memory_mb=memory_mb or build.DEFAULT_MEMORY_MB,
                             text_field=text_field or manifest.get("text_field") or "text")
        self.close()  # the next search opens the new generation
        return report

    def outdated(self) -> bool:
        """Whether the sources the index was built from changed since."""
        from .index import build

        return build.outdated(self.path)

    def ensure_index(self, progress: Optional[Callable[[str], None]] = None,
                     announce: Optional[Callable[[str], None]] = None) -> Optional[BuildReport]:
        """Build the index from the default sources if there is none yet,
        or update it if its sources changed since it was built; None when
        it is current.  ``announce`` hears "missing" or "outdated" before
        the work starts."""
        if self.exists():
            if not self.outdated():
                return None
            if announce:
                announce("outdated")
            return self.index(progress=progress)
        sources = default_sources()
        if not any(p.exists() for p in sources):
            raise IndexMissingError(
                f"no index at {self.path} and no {sources[0]}/ folder to build one from: "
                f"run `search index SOURCES…`"
            )
        if announce:
            announce("missing")
        return self.index(sources, progress=progress)

    # -- searching ---------------------------------------------------------
    def _get_searcher(self):
        from .index import store

        with self._lock:
            if self._searcher is None:
                from .rank import Searcher

                store.open_index(self.path).close()  # a missing index fails here, clearly
                store.check_current(self.path)
                self._searcher = Searcher(self.path)
            return self._searcher

    def _compile(self, query: str, exact: bool, phrase: bool = False, expander=None):
        """The query tree; with ``phrase``, several plain words are one
        phrase (what a concordance looks for); ``expander`` widens words
        (translations, synonyms)."""
        from .query import compile_query, parse
        from .query.compile import as_phrase

        tree = parse(query)
        return tree, compile_query(as_phrase(tree) if phrase else tree, query, exact=exact, expander=expander)

    def search(self, query: str, *, limit: int = 10, offset: int = 0, lang: Optional[str] = None,
               doc: Optional[str] = None, part: Optional[str] = None, exact: bool = False,
               translate: bool = True, synonyms: Optional[Sequence[os.PathLike | str]] = None,
               lexicon: Optional[Sequence[os.PathLike | str]] = None) -> Results:
        """The best ``limit`` paragraphs for ``query``, after the first
        ``offset``.

        A word matches all its forms (``exact=True`` turns that off and every
        expansion), its equivalents in the other language (``translate=False``
        turns that off; ``lexicon`` adds bilingual lists, .tsv or Apertium
        .dix, default ``$SEARCH_LEXICON``) and its synonyms (the shipped
        tables and ``synonyms`` files, default ``$SEARCH_SYNONYMS``);
        ``"quoted words"`` must stand together; AND, OR, NOT, parentheses,
        ``prefix*`` and the filters ``lang:``, ``doc:``, ``part:``,
        ``article:``, ``kind:`` work as documented in the README.  A word
        that matches nothing gets a suggestion in ``Results.suggestions``.
        Raises QuerySyntaxError for a malformed query, UsageError for a bad
        argument.
        """
        from .query.expand import Expander
        from .rank.order import to_hit
        from .rank.suggest import suggestions

        _check_page(limit, offset)
        expander = Expander.load(translate, synonyms, lexicon)
        tree, compiled = self._compile(query, exact, expander=expander)
        notes: list[str] = []
        searcher = self._get_searcher()
        total, ranked = searcher.ranked(compiled, limit=limit, offset=offset,
                                        filters=_filters(lang, doc, part), notes=notes)
        hits = tuple(to_hit(offset + rank, r) for rank, r in enumerate(ranked, 1))
        return Results(query=query, total=total, hits=hits, offset=offset, notes=tuple(dict.fromkeys(notes)),
                       suggestions=suggestions(searcher, tree, query, expander))

    def batch(self, queries: Iterable, *, limit: int = 10, lang: Optional[str] = None,
              doc: Optional[str] = None, part: Optional[str] = None, exact: bool = False,
              translate: bool = True, synonyms: Optional[Sequence[os.PathLike | str]] = None,
              lexicon: Optional[Sequence[os.PathLike | str]] = None, workers: int = 1
              ) -> Iterable["BatchResult"]:
        """Run many queries, yielding one result each, in order.

        ``queries`` holds strings, ``(id, query)`` pairs or BatchQuery
        objects.  A malformed query yields a result with ``error`` set; the
        batch goes on.  With ``workers`` above 1 and at least
        :data:`PARALLEL_BATCH` queries, that many processes search at once,
        each with a searcher of its own.
        """
        from .batch import as_queries

        _check_page(limit, 0)
        _filters(lang, doc, part)  # a bad argument fails the batch, not each query
        options = dict(limit=limit, lang=lang, doc=doc, part=part, exact=exact, translate=translate,
                       synonyms=synonyms, lexicon=lexicon)
        items = as_queries(queries)
        if workers <= 1 or len(items) < PARALLEL_BATCH:
            for item in items:
                yield self._batch_one(item, options)
            return
        # The first query runs here: a missing index or a bad synonym file
        # fails the batch before any process starts.
        yield self._batch_one(items[0], options)
        yield from _parallel_batch(self.path, items[1:], options, workers)

    def _batch_one(self, item, options: dict) -> "BatchResult":
        from .batch import BatchResult

        try:
            return BatchResult(item.id, item.query, self.search(item.query, **options))
        except QuerySyntaxError as exc:
            return BatchResult(item.id, item.query, error=str(exc))

    def info(self) -> IndexInfo:
        """The index's location, sources, paragraph counts and size."""
        from datetime import datetime, timezone

        from .index import store

        searcher = self._get_searcher()
        manifest = store.read_manifest(self.path)
        sources = tuple(
            {"path": path, "size": entry.get("size", 0), "paragraphs": entry.get("paragraphs", 0),
             "mtime": datetime.fromtimestamp(entry.get("mtime_ns", 0) / 1e9, timezone.utc).isoformat(timespec="seconds")}
            for path, entry in sorted(manifest.get("files", {}).items())
        )
        generation = store.live_generation(self.path)
        size = sum(f.stat().st_size for f in generation.iterdir() if f.is_file()) if generation else 0
        return IndexInfo(str(self.path), manifest.get("built", ""), searcher.count(), size, sources,
                         searcher.values("doc"), searcher.values("lang"), searcher.values("part"))

    # -- research ------------------------------------------------------------
    def concordance(self, term: str, *, width: int = 40, sort: str = "doc", limit: Optional[int] = None,
                    offset: int = 0, lang: Optional[str] = None, doc: Optional[str] = None,
                    part: Optional[str] = None, exact: bool = False) -> list["Line"]:
        """Every occurrence of any form of ``term`` (a word, phrase or any
        query) as a key word in context, sorted by ``doc``, ``left``,
        ``right`` or ``form``; ``offset`` and ``limit`` take a page of them."""
        return list(self.iter_concordance(term, width=width, sort=sort, limit=limit, offset=offset, lang=lang,
                                          doc=doc, part=part, exact=exact))

    def iter_concordance(self, term: str, *, width: int = 40, sort: str = "doc", limit: Optional[int] = None,
                         offset: int = 0, lang: Optional[str] = None, doc: Optional[str] = None,
                         part: Optional[str] = None, exact: bool = False) -> Iterator["Line"]:
        """:meth:`concordance` as lines come: in document order (``sort``
        "doc") a paragraph is read when its lines are reached, so the first
        page comes at once and memory stays small however many there are."""
        from itertools import islice

        from .concordance import SORTS, lines, sort_lines

        if sort not in SORTS:
            raise UsageError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
        _at_least(1, width=width)
        if limit is not None:
            _check_page(limit, offset)
        _, compiled = self._compile(term, exact, phrase=True)
        matching = self._get_searcher().matching(compiled, filters=_filters(lang, doc, part))
        found = lines(matching, width)
        if sort != "doc":
            found = iter(sort_lines(found, sort))
        return islice(found, offset, None if limit is None else offset + limit)

    def term_stats(self, term: str, *, top: int = 10, lang: Optional[str] = None,
                   doc: Optional[str] = None, part: Optional[str] = None, exact: bool = False) -> "TermStats":
        """Occurrences of ``term``: in total, per word form, per document and
        per article (the ``top`` ones)."""
        from .concordance import stats

        _at_least(1, top=top)
        _, compiled = self._compile(term, exact, phrase=True)
        return self._get_searcher().occurrence_forms(compiled, lambda found: stats(term, found, top=top),
                                                     filters=_filters(lang, doc, part))

    def terms(self, *, top: int = 20, lang: Optional[str] = None, doc: Optional[str] = None,
              part: Optional[str] = None, stop_words: bool = False) -> list[tuple[str, int]]:
        """The most frequent lemmas; stop words, numbers and single letters
        are left out unless ``stop_words`` is true.  Without ``doc`` and
        ``part`` they are read from the counts the last build kept."""
        from .concordance import frequent_lemmas

        _at_least(1, top=top)
        filters = _filters(None, doc, part)
        searcher = self._get_searcher()
        found = frequent_lemmas(searcher.lemma_counts(lang, filters, at_least=top), top, stop_words)
        if len(found) < top:  # the kept list ran out before ``top`` words
            found = frequent_lemmas(searcher.lemma_counts(lang, filters, at_least=1 << 62), top, stop_words)
        return found

    def explain(self, query: str, *, limit: int = 3, lang: Optional[str] = None,
                doc: Optional[str] = None, part: Optional[str] = None, exact: bool = False,
                translate: bool = True, synonyms: Optional[Sequence[os.PathLike | str]] = None,
                lexicon: Optional[Sequence[os.PathLike | str]] = None) -> "Explanation":
        """How ``query`` was analysed and widened, and why its top hits rank
        as they do."""
        from .explain import explain
        from .query.expand import Expander

        _check_page(limit, 0)
        tree, compiled = self._compile(query, exact, expander=Expander.load(translate, synonyms, lexicon))
        _, ranked = self._get_searcher().ranked(compiled, limit=limit, filters=_filters(lang, doc, part))
        return explain(tree, compiled, ranked)


def _check_page(limit: int, offset: int) -> None:
    _at_least(1, limit=limit)
    _at_least(0, offset=offset)


def _at_least(least: int, **values: int) -> None:
    for name, value in values.items():
        if not isinstance(value, int) or value < least:
            raise UsageError(f"{name} must be a whole number of at least {least}, not {value!r}")


def _filters(lang: Optional[str], doc: Optional[str], part: Optional[str]) -> tuple:
    """The filters of the API's arguments (``doc`` may end in ``*``)."""
    from .lang import LABELS
    from .query.tree import Filter

    if lang is not None and lang not in LABELS:
        raise UsageError(f"unknown language {lang!r}; languages are {', '.join(LABELS)}")
    found = [Filter("lang", (lang,))] if lang else []
    if doc:
        prefix = doc.endswith("*") and len(doc) > 1
        found.append(Filter("doc", (doc[:-1] if prefix else doc,), prefix=prefix))
    if part:
        found.append(Filter("part", (part,)))
    return tuple(found)


# -- batch worker processes -----------------------------------------------------

_worker_engine: Optional[Engine] = None


def _parallel_batch(path: Path, items: list, options: dict, workers: int) -> Iterator["BatchResult"]:
    """Results of ``items`` in order, searched by ``workers`` processes.
    Each opens the index anew: a searcher's open files are never shared
    between processes (they would share file offsets)."""
    import multiprocessing

    # Forked workers start at once with the dictionaries and lists already
    # read; elsewhere they are spawned.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(workers, _open_worker_engine, (str(path),)) as pool:
        yield from pool.imap(_worker_query, [(item, options) for item in items], chunksize=4)


def _open_worker_engine(path: str) -> None:
    global _worker_engine
    _worker_engine = Engine.open(path)


def _worker_query(task: tuple) -> "BatchResult":
    item, options = task
    return _worker_engine._batch_one(item, options)
