"""Filters resolved against the index: which paragraphs ``lang:uk``,
``doc:untoc*`` or ``part:протокол`` select, segment by segment.

A value is resolved once per query over the whole index (a prefix to the
values it stands for, an instrument's name as typed to the names the index
holds) and a value the index does not hold is told to the user with the
closest ones, so that a typo does not pass for "nothing matches".
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Optional
from weakref import WeakKeyDictionary

from ..analysis.morph import query_analysis
from ..analysis.normalize import fold_word
from ..analysis.tokenize import tokenize
from ..query.tree import Filter
import numpy as np

from .postings import field_owners, live_mask, term_hits

#: Paragraphs of filter values, by open segment reader.
_MASKS: "WeakKeyDictionary[object, dict]" = WeakKeyDictionary()
#: The values of attribute fields that live paragraphs have, by open reader.
_VALUES: "WeakKeyDictionary[object, dict]" = WeakKeyDictionary()
#: What a value the index lacks is called in a note.
_NAMES = {"doc": "document", "part": "instrument", "article": "article", "lang": "language",
          "kind": "kind of paragraph"}


@dataclass(frozen=True)
class Resolved:
    """A filter as the index holds it: exact values of one field."""

    field: str
    values: tuple[str, ...]

    def mask(self, reader) -> np.ndarray:
        """Which paragraphs of the segment have one of the values, kept
        while the segment is open ("lang:uk" may hold every paragraph, too
        many to read again for every query); at most a few masks a
        segment."""
        cache = _MASKS.setdefault(reader, {})
        key = (self.field, self.values)
        if key not in cache:
            found = np.zeros(reader.doc_count_all(), dtype=bool)
            for value in self.values:
                found[term_hits(reader, self.field, value).ids] = True
            if len(cache) >= 16:
                cache.clear()
            cache[key] = found
        return cache[key]

    def __str__(self) -> str:
        return " OR ".join(f"{self.field}:{v}" for v in self.values) or f"{self.field}:(none)"


def resolve(filter_: Filter, reader, notes: Optional[list[str]] = None) -> Resolved:
    """The index's values that ``filter_`` stands for; a value that stands
    for none is described in ``notes``."""
    held = _values(reader, filter_.field)
    found: list[str] = []
    for value in filter_.values:
        if filter_.field == "part":
            matched = [name for name in held if part_matches(value, name)]
        elif filter_.prefix:
            matched = [v for v in held if v.startswith(value)]
        else:
            matched = [value] if value in held else []
        if not matched and notes is not None:
            notes.append(_unknown(filter_.field, value + ("*" if filter_.prefix else ""), held))
        found.extend(matched)
    return Resolved(filter_.field, tuple(dict.fromkeys(found)))


def _values(reader, field: str) -> list[str]:
    """The values of the field that live paragraphs have, in order."""
    return sorted(values(reader, field))


def values(reader, field: str) -> dict[str, int]:
    """Every value of an attribute field (doc, lang, part, …) that live
    paragraphs have, with how many have it."""
    cache = _VALUES.setdefault(reader, {})
    if field not in cache:
        counts: dict[str, int] = {}
        if field in reader.schema:
            for sub in _segment_readers(reader):
                names, owner = field_owners(sub, field)
                live = live_mask(sub)
                owner = owner if live is None else owner[live]
                found = np.bincount(owner[owner >= 0], minlength=len(names))
                for name, n in zip(names, found.tolist()):
                    if n:
                        counts[name] = counts.get(name, 0) + n
        cache[field] = counts
    return cache[field]


def _segment_readers(reader) -> list:
    return [sub for sub, _ in reader.leaf_readers()]


def _unknown(field: str, value: str, held: list[str]) -> str:
    if field == "part":
        return f"no instrument matches part:{value}; the index holds: {'; '.join(held) or 'none'}"
    close = difflib.get_close_matches(value, held, n=3, cutoff=0.5)
    hint = f"; closest: {', '.join(close)}" if close else ""
    return f"no {_NAMES.get(field, field)} {value!r} in the index{hint}"


def part_matches(value: str, name: str) -> bool:
    """Whether a name typed by a user stands for an instrument's name: every
    word of it starts a word of the name, or shares a lemma with one
    ("торгівля" finds "…торгівлі людьми…", "протокол" both Protocols)."""
    name_words = [fold_word(t.text) for t in tokenize(name)]
    name_lemmas = {lemma for w in name_words for lemma in query_analysis(w)[0]}
    for token in tokenize(value):
        word = fold_word(token.text)
        if not any(w.startswith(word) for w in name_words) and not name_lemmas & set(query_analysis(word)[0]):
            return False
    return bool(tokenize(value))
