"""Segments of the engine's codec: written from paragraphs, merged whole.

Whoosh's writer adds a paragraph's postings one tuple at a time to a pool
it sorts at the end, several microseconds of Python per posting.  Here a
paragraph costs one dictionary look-up per word: each distinct word of a
segment is analysed once into its terms (:func:`search.analysis.analyze.word_terms_at`),
a paragraph is kept as the list of its words' numbers, and when the
segment is full every posting is made, sorted and encoded at once with
numpy (:func:`search.index.codec.write_postings`).  Stored fields and
columns go through Whoosh's per-document writer as before.

A merge reads whole fields back as arrays (:func:`search.index.codec.read_field`),
drops deleted paragraphs, renumbers the rest and writes one segment: the
same arrays, so a merged segment is the segment a fresh build would write.
"""

from __future__ import annotations

import ctypes
from array import array
from typing import Optional

import numpy as np

from ..analysis.analyze import ALT, word_terms_at
from ..analysis.tokenize import WORD, cut
from .arrays import ranges
from .codec import (EXACT_LENGTH, ArrayCodec, Inverted, exact_length_column, read_field,
                    write_postings, write_surfaces)
from .documents import encode_spans

#: The two positional fields, in the order a word's terms are kept.
POSITIONAL = ("form", "lemma")
#: Bytes of memory a segment being built costs per word of text at its
#: peak (when its postings are sorted and encoded; measured on the law
#: corpus); builders turn the memory they are given into words with it.
BYTES_PER_WORD = 120


class SegmentBuilder:
    """Paragraphs (as stored-field dicts with ``text`` and ``lang``) → one
    new segment of an index."""

    def __init__(self, ix) -> None:
        self.codec = ArrayCodec()
        self.storage = ix.storage
        self.schema = ix.schema
        self.segment = self.codec.new_segment(self.storage, ix.indexname)
        self.perdoc = self.codec.per_document_writer(self.storage, self.segment)
        self.docs = 0
        self.words = 0
        self._tokens = array("i")  # the word number of every word of every paragraph
        self._counts = array("i")  # words per paragraph
        self._known: dict[str, dict[str, int]] = {}  # lang → word → word number
        self._positions = array("i")  # positions of each word number
        # Per positional field, the word numbers' terms: where each word's
        # run starts and how long it is, then (position, term, flags) runs.
        self._start = [array("i"), array("i")]
        self._count = [array("i"), array("i")]
        self._rel = [array("i"), array("i")]
        self._term = [array("i"), array("i")]
        self._flags = [array("b"), array("b")]
        self._vocab: list[dict[str, int]] = [{}, {}]
        # The lower-case text of each word number's positions, as numbers.
        self._surface_start = array("i")
        self._surface_ids = array("i")
        self._surfaces: dict[str, int] = {}
        # Per field without positions: its values numbered, then the value
        # numbers and paragraph numbers of its entries (no string a paragraph).
        self._attributes: dict[str, tuple[dict, dict, array, array]] = {}
        self._indexed = [name for name, f in self.schema.items() if f.indexed and name not in POSITIONAL]
        self._written = list(self.schema.items())

    def add(self, fields: dict) -> int:
        """Add one paragraph (its stored fields, ``text`` and ``lang`` among
        them); the number of words it holds."""
        raw = WORD.findall(fields["text"])
        found = cut(raw)
        fields = {**fields, "spans": encode_spans(fields["text"], raw)}
        known = self._known.setdefault(fields["lang"], {})
        ids = list(map(known.get, found))
        if None in ids:
            ids = [n if n is not None else self._new_word(known, w, fields["lang"]) for n, w in zip(ids, found)]
        self._tokens.extend(ids)
        self._counts.append(len(ids))
        docnum = self.docs
        lengths = {name: sum(map(self._count[k].__getitem__, ids)) for k, name in enumerate(POSITIONAL)}
        for name in self._indexed:
            value = fields.get(name)
            if value is not None:
                vocab, values, terms, docs = self._attributes.setdefault(name, ({}, {}, array("i"), array("i")))
                found = values.get(value)
                if found is None:  # a value many paragraphs share is split once
                    texts = _slot_terms(value) if self.schema[name].scorable else [value]
                    found = values[value] = array("i", [vocab.setdefault(t, len(vocab)) for t in texts])
                terms.extend(found)
                docs.extend(array("i", [docnum]) * len(found))
                lengths[name] = len(found)
        self.perdoc.start_doc(docnum)
        for name, field in self._written:
            value = fields.get(name)
            stored = value if field.stored else None
            length = lengths.get(name, 0) if field.scorable else 0
            if stored is not None or length:
                self.perdoc.add_field(name, field, stored, length)
            if field.column_type is not None and value is not None:
                self.perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        self.perdoc.finish_doc()
        self.docs += 1
        self.words += len(ids)
        return len(ids)

    def _new_word(self, known: dict, word: str, lang: str) -> int:
        number = known[word] = len(self._positions)
        found = word_terms_at(word, lang)
        self._positions.append(found.positions)
        self._surface_start.append(len(self._surface_ids))
        self._surface_ids.extend(self._surfaces.setdefault(t, len(self._surfaces)) for t in found.surfaces)
        for k, entries in enumerate((found.forms, found.lemmas)):
            vocab = self._vocab[k]
            self._start[k].append(len(self._rel[k]))
            self._count[k].append(len(entries))
            for rel, term, flags in entries:
                self._rel[k].append(rel)
                self._term[k].append(vocab.setdefault(term, len(vocab)))
                self._flags[k].append(flags)
        return number

    def finish(self) -> Optional[object]:
        """Write the segment; the Whoosh segment object, or None when no
        paragraph was added (nothing is left behind)."""
        self.perdoc.close()
        if not self.docs:
            return None
        fields = {name: self._invert(k) for k, name in enumerate(POSITIONAL)}
        for name in self._indexed:
            vocab, _, terms, docs = self._attributes.get(name, ({}, {}, array("i"), array("i")))
            fields[name] = _attribute(list(vocab), terms, docs)
        write_postings(self.storage, self.segment, fields)
        write_surfaces(self.storage, self.segment, list(self._surfaces), *self._position_texts())
        self.segment.set_doc_count(self.docs)
        self.segment.create_compound_file(self.storage)
        return self.segment

    def _position_texts(self) -> tuple[np.ndarray, np.ndarray]:
        """Where each paragraph's positions start, and the surface number of
        every position."""
        tokens = np.frombuffer(self._tokens, dtype=np.int32)
        counts = np.frombuffer(self._counts, dtype=np.int32)
        npos = np.frombuffer(self._positions, dtype=np.int32)[tokens]
        owner = np.repeat(np.arange(self.docs), counts)
        per_doc = np.bincount(owner, weights=npos, minlength=self.docs).astype(np.int64)
        starts = np.concatenate(([0], np.cumsum(per_doc)))
        first = np.cumsum(npos, dtype=np.int64) - npos
        at = np.repeat(np.frombuffer(self._surface_start, dtype=np.int32)[tokens] - first, npos)
        at += np.arange(len(at), dtype=np.int64)
        return starts, np.frombuffer(self._surface_ids, dtype=np.int32)[at]

    def _invert(self, k: int) -> Inverted:
        """Every posting of positional field ``k``, sorted by term, paragraph
        and position (in 32-bit arrays, dropped as soon as used: this is a
        build's peak of memory)."""
        tokens = np.frombuffer(self._tokens, dtype=np.int32)
        counts = np.frombuffer(self._counts, dtype=np.int32)
        npos = np.frombuffer(self._positions, dtype=np.int32)[tokens]
        # Each word's first position in its paragraph.
        first = np.cumsum(npos, dtype=np.int32)
        first -= npos
        para_first = np.cumsum(counts) - counts
        first -= np.repeat(first[para_first[counts > 0]], counts[counts > 0])
        del npos
        per_word = np.frombuffer(self._count[k], dtype=np.int32)[tokens]
        total = int(per_word.sum())
        owner = np.repeat(np.arange(len(tokens), dtype=np.int32), per_word)
        entry = np.arange(total, dtype=np.int32)
        entry += np.repeat(np.frombuffer(self._start[k], dtype=np.int32)[tokens]
                           - (np.cumsum(per_word, dtype=np.int32) - per_word), per_word)
        del per_word
        pos = first[owner]
        pos += np.frombuffer(self._rel[k], dtype=np.int32)[entry]
        doc = np.repeat(np.arange(self.docs, dtype=np.int32), counts)[owner]
        del owner, first
        flags = np.frombuffer(self._flags[k], dtype=np.int8)[entry].view(np.uint8)
        texts = list(self._vocab[k])
        order = sorted(range(len(texts)), key=texts.__getitem__)
        rank = np.empty(len(texts), dtype=np.int32)
        rank[order] = np.arange(len(texts), dtype=np.int32)
        key = rank[np.frombuffer(self._term[k], dtype=np.int32)[entry]]
        del entry
        by = np.argsort(key, kind="stable")
        return Inverted([texts[i].encode("utf-8") for i in order], key[by], doc[by], pos[by], flags[by])


def _slot_terms(value: str) -> list[str]:
    """The terms of a pre-analysed value (``"a|b c"``), as the schema's
    SlotTokenizer reads it."""
    return [term for slot in value.split(" ") if slot for term in slot.split(ALT)]


def _attribute(texts: list, terms: array, docs: array) -> Inverted:
    """The postings of a field without positions: entries of (number of its
    value in ``texts``, paragraph); a value repeated in a paragraph is its
    frequency there."""
    order = sorted(range(len(texts)), key=texts.__getitem__)
    rank = np.empty(len(texts), dtype=np.int32)
    rank[order] = np.arange(len(texts), dtype=np.int32)
    term = rank[np.frombuffer(terms, dtype=np.int32)] if len(terms) else np.zeros(0, dtype=np.int32)
    doc = np.frombuffer(docs, dtype=np.int32).copy() if len(docs) else np.zeros(0, dtype=np.int32)
    by = np.argsort(term, kind="stable")
    return Inverted([texts[i].encode("utf-8") for i in order], term[by], doc[by])


def merge(ix, segments: list) -> Optional[object]:
    """One new segment holding the live paragraphs of ``segments`` (in
    their order), or None if none is left."""
    from whoosh.reading import SegmentReader

    codec = ArrayCodec()
    storage, schema = ix.storage, ix.schema
    target = codec.new_segment(storage, ix.indexname)
    perdoc = codec.per_document_writer(storage, target)
    readers = [SegmentReader(storage, schema, s) for s in segments]
    try:
        maps, docs = [], 0
        for reader in readers:
            live = np.zeros(reader.doc_count_all(), dtype=bool)
            live[list(reader.all_doc_ids())] = True
            mapping = np.full(len(live), -1, dtype=np.int64)
            mapping[live] = np.arange(docs, docs + int(live.sum()))
            maps.append(mapping)
            docs = _copy_documents(reader, schema, perdoc, docs)
        perdoc.close()
        if not docs:
            return None
        fields = {name: _merged_field(readers, maps, name) for name, f in schema.items() if f.indexed}
        write_postings(storage, target, fields)
        write_surfaces(storage, target, *_merged_surfaces(readers, maps))
    finally:
        for reader in readers:
            reader.close()
    target.set_doc_count(docs)
    target.create_compound_file(storage)
    return target


def _copy_documents(reader, schema, perdoc, docnum: int) -> int:
    """Copy the live paragraphs' stored fields, lengths and columns."""
    exact = {name: reader._perdoc.column_reader(exact_length_column(name), EXACT_LENGTH)
             for name, field in schema.items()
             if field.scorable and reader._perdoc.has_column(exact_length_column(name))}
    for doc, stored in reader.iter_docs():
        perdoc.start_doc(docnum)
        for name, field in schema.items():
            value = stored.get(name)
            length = exact[name][doc] if name in exact else 0
            perdoc.add_field(name, field, value if field.stored else None, length)
            if field.column_type is not None and value is not None:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        perdoc.finish_doc()
        docnum += 1
    return docnum


def _merged_surfaces(readers: list, maps: list) -> tuple[list, np.ndarray, np.ndarray]:
    """The position texts of the live paragraphs of ``readers``, in the
    order ``maps`` numbers them."""
    words: dict[str, int] = {}
    per_doc, ids = [], []
    for reader, mapping in zip(readers, maps):
        found = reader._perdoc.surfaces()
        live = np.flatnonzero(mapping >= 0)
        lengths = (found.starts[1:] - found.starts[:-1])[live]
        numbers = found.ids[ranges(found.starts[live], lengths)]
        used = np.unique(numbers)
        renumber = np.zeros(int(used.max()) + 1 if len(used) else 0, dtype=np.int64)
        renumber[used] = [words.setdefault(found.word(int(n)), len(words)) for n in used.tolist()]
        per_doc.append(lengths)
        ids.append(renumber[numbers])
    lengths = np.concatenate(per_doc) if per_doc else np.zeros(0, dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(lengths)))
    return list(words), starts, np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64)


def _merged_field(readers: list, maps: list, name: str) -> Inverted:
    parts = [read_field(reader._terms, name) for reader in readers]
    texts = sorted(set().union(*(p.terms for p in parts)))
    number = {t: i for i, t in enumerate(texts)}
    term, doc, pos, flags = [], [], [], []
    for part, mapping in zip(parts, maps):
        if not len(part.term):
            continue
        renumber = np.array([number[t] for t in part.terms], dtype=np.int32)
        new_doc = mapping[part.doc]
        keep = new_doc >= 0
        term.append(renumber[part.term][keep])
        doc.append(new_doc[keep])
        if part.pos is not None:
            pos.append(part.pos[keep])
            flags.append(part.flags[keep])
    if not term:
        return Inverted([], np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32))
    term, doc = np.concatenate(term), np.concatenate(doc).astype(np.int32)
    by = np.argsort(term, kind="stable")
    used = np.unique(term)  # terms only deleted paragraphs held are dropped
    squeeze = np.full(len(texts), -1, dtype=np.int64)
    squeeze[used] = np.arange(len(used))
    return Inverted([texts[i] for i in used.tolist()], squeeze[term[by]], doc[by],
                    np.concatenate(pos)[by] if pos else None, np.concatenate(flags)[by] if flags else None)


class Segments:
    """Paragraphs → as many new segments as memory asks for: a segment is
    written whenever the one being built holds ``words`` words."""

    def __init__(self, ix, words: int) -> None:
        self.ix = ix
        self.limit = max(1, words)
        self.written: list = []
        self._builder: Optional[SegmentBuilder] = None

    def add(self, fields: dict) -> int:
        """Add one paragraph's stored fields; the words it holds."""
        if self._builder is None:
            self._builder = SegmentBuilder(self.ix)
        found = self._builder.add(fields)
        if self._builder.words >= self.limit:
            self.flush()
        return found

    def flush(self) -> None:
        if self._builder is not None:
            segment = self._builder.finish()
            self._builder = None
            if segment is not None:
                self.written.append(segment)
            _release_memory()

    def close(self) -> list:
        """Write what is left; every segment written."""
        self.flush()
        return self.written


#: What a building process holds besides its segment: Python, numpy,
#: pymorphy3's dictionaries, the caches of analysis when full
#: (search.analysis.morph.CACHED_WORDS words) and what its heap keeps, in
#: MB (measured on the law corpus: about 250 after ten segments).
PROCESS_MB = 260


#: What the parent of worker processes holds, in MB.
PARENT_MB = 150


def builder_memory(memory_mb: int, workers: int = 0) -> int:
    """The MB a segment builder may use when a build given ``memory_mb``
    runs ``workers`` worker processes beside its parent (0: it builds in
    its one process)."""
    share = memory_mb if not workers else (memory_mb - PARENT_MB) // workers
    return max(16, share - PROCESS_MB)


def _release_memory() -> None:
    """Give the heap a segment's arrays left behind back to the system
    (glibc keeps freed memory below its mapping threshold otherwise, and a
    building process would hold its largest segment's peak for good)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


#: Bytes of memory a merge costs per word of the segments it reads (they
#: are read whole, then written as a builder writes).
MERGE_BYTES_PER_WORD = 150


def words_per_merge(memory_mb: int) -> int:
    """How many words one merge may read in a process given ``memory_mb``."""
    return max(100_000, (memory_mb - PROCESS_MB) * (1 << 20) // MERGE_BYTES_PER_WORD)


def segment_words(segment) -> int:
    """About how many words a segment's live paragraphs hold."""
    total = segment._fieldlengths.get("form", 0) if hasattr(segment, "_fieldlengths") else 0
    return total * segment.doc_count() // max(1, segment.doc_count_all())


def words_per_segment(memory_mb: int) -> int:
    """How many words a segment builder given ``memory_mb`` may hold."""
    return max(10_000, memory_mb * (1 << 20) // BYTES_PER_WORD)


def drop_source(ix, segments: list, key: str) -> None:
    """Mark deleted, in segments not yet committed, the paragraphs of the
    source ``key`` (a file that failed after some of it was indexed)."""
    from whoosh.reading import SegmentReader

    for segment in segments:
        reader = SegmentReader(ix.storage, ix.schema, segment)
        try:
            found = reader._terms.postings("source", key.encode("utf-8"))
            for doc in (found.ids.tolist() if found is not None else ()):
                segment.delete_document(doc)
        finally:
            reader.close()
