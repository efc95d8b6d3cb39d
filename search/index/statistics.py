"""Lemma frequencies of the whole index, counted when it is built.

``search terms`` lists the most frequent lemmas, each word position
counting once for each of its lemmas.  That is the total frequency of
every lemma term over the live paragraphs: counting it at query time means
decoding every lemma's postings.  Every commit counts them instead, per
language, and writes the most frequent :data:`KEPT` of each language (and
of all together) beside the index (``statistics.json`` in the generation's
folder), with the table of contents they were counted on; a query reads
that list, and counts afresh only for filters of documents or instruments,
or when the list is stale.

A segment never changes but for the paragraphs an update marks deleted, so
each segment's counts are kept too, in a file Whoosh names as the
segment's own (``MAIN_<id>.<deleted>.counts``, removed with the segment):
a commit counts only the segments it wrote and those it marked paragraphs
deleted in, and adds up the rest as kept.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import numpy as np

from .codec import read_postings
from .store import read_pickle, write_file, write_pickle

FILE = "statistics.json"
#: Lemmas kept per language, most frequent first.
KEPT = 20_000


def segment_counts(reader, allowed: Optional[np.ndarray] = None) -> dict[str, dict[bytes, int]]:
    """{language: {lemma: occurrences}} over the segment's live paragraphs
    (those ``allowed`` too, when it is given)."""
    found = read_postings(reader._terms, "lemma")
    if not found.terms:
        return {}
    langs = read_postings(reader._terms, "lang")
    lang_of = np.full(reader.doc_count_all(), -1, dtype=np.int64)
    lang_of[langs.doc] = langs.term
    keep = np.ones(reader.doc_count_all(), dtype=bool)
    if reader.has_deletions():
        keep[list(reader.segment().deleted_docs())] = False
    if allowed is not None:
        keep &= allowed
    take = keep[found.doc]
    names = [t.decode("utf-8") for t in langs.terms]
    width = len(names) + 1
    cells = found.term[take].astype(np.int64) * width + (lang_of[found.doc[take]] % width)
    counts = np.bincount(cells, weights=found.freq[take], minlength=len(found.terms) * width)
    counts = counts.reshape(len(found.terms), width).astype(np.int64)
    out: dict[str, dict[bytes, int]] = {}
    for k, name in enumerate(names):
        present = np.flatnonzero(counts[:, k]).tolist()
        out[name] = dict(zip((found.terms[i] for i in present), counts[present, k].tolist()))
    return out


def count(readers: list, allowed: Optional[list] = None, counts=segment_counts) -> dict[str, list[tuple[str, int]]]:
    """{language, and "" for all: [(lemma, occurrences)], most frequent
    first (ties by lemma)} over the live paragraphs of the segments;
    ``counts(reader, allowed)`` counts one segment."""
    totals: dict[str, dict[bytes, int]] = {"": {}}
    for n, reader in enumerate(readers):
        for lang, found in counts(reader, allowed[n] if allowed else None).items():
            for table in (totals.setdefault(lang, {}), totals[""]):
                for lemma, k in found.items():
                    table[lemma] = table.get(lemma, 0) + k
    return {lang: sorted(((t.decode("utf-8"), k) for t, k in table.items()), key=lambda tk: (-tk[1], tk[0]))
            for lang, table in totals.items()}


def _kept_name(reader) -> str:
    segment = reader.segment()
    return f"{segment.segment_id()}.{segment.deleted_count()}.counts"


def _kept_counts(folder: Path, reader) -> dict[str, dict[bytes, int]]:
    """A segment's counts as kept beside it, counted and kept if they are
    not (a segment's deleted paragraphs only ever grow in number, so the
    number names the counts)."""
    path = folder / _kept_name(reader)
    found = read_pickle(path)
    if not isinstance(found, dict):
        found = segment_counts(reader)
        write_pickle(path, found)
    return found


def write(folder: Path, ix) -> None:
    """Count the index's lemmas and write the most frequent beside it."""
    with ix.reader() as reader:
        readers = [sub for sub, _ in reader.leaf_readers()]
        found = count(readers, counts=lambda sub, _: _kept_counts(folder, sub))
        live = {_kept_name(sub) for sub in readers}
    segments = {name.split(".")[0] for name in live}
    for stale in folder.glob("*.counts"):  # a live segment's counts before its latest deletions
        if stale.name not in live and stale.name.split(".")[0] in segments:
            stale.unlink(missing_ok=True)
    data = {"toc": ix.latest_generation(), "kept": KEPT, "lemmas": {lang: pairs[:KEPT] for lang, pairs in found.items()}}
    write_file(folder / FILE, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def read(folder: Path, toc: int) -> Optional[dict]:
    """{language: [(lemma, occurrences)]} as the last commit wrote them, and
    whether each list is whole; None when there is none for table of
    contents ``toc``."""
    try:
        data = json.loads((folder / FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("toc") != toc:
        return None
    return {lang: ([tuple(p) for p in pairs], len(pairs) < data["kept"]) for lang, pairs in data["lemmas"].items()}
