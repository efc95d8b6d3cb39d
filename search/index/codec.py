"""The engine's Whoosh codec: postings as separate compact arrays.

Whoosh's own codec keeps each block of postings (document numbers,
frequencies and positions together) as one compressed pickle, so reading a
term's documents means unpickling its positions too, posting by posting in
Python.  This codec keeps, per field, four streams, each in a region of
the postings file of its own in term order, that numpy decodes whole (so
reading a term's documents never reads its positions):

* document numbers, delta-coded varints (:mod:`search.index.arrays`);
* frequencies minus one, varints, absent when every frequency is 1;
* positions, delta-coded within each posting, varints (positional fields);
* two flag bits per position, absent when all are 0: for the ``form``
  field "this form is not the whole word" (a compound's first part), for
  the ``lemma`` field "not the word's first reading"; for both "a later
  part of a hyphenated compound" (the bits are
  :mod:`search.analysis.analyze`'s ``NOT_WHOLE``, ``NOT_FIRST`` and
  ``LATER_PART``).  Ranking reads them instead of the paragraph's analysis.

The term dictionary (:mod:`search.index.terms`) says where each term's
streams are.  Whoosh records the codec in every segment, so it reads these
segments through this class (:class:`ArrayTermsReader` answers Whoosh's
own queries too, through a list matcher); stored fields and per-document
columns are Whoosh's, with one column more per scorable field: its exact
length, so that statistics can leave deleted paragraphs out exactly; and
values many paragraphs repeat (:class:`SharedText`) are kept once a
segment.
Segments are written by :mod:`search.index.segments`, never through
Whoosh's per-posting writer.
"""

from __future__ import annotations

import pickle
import struct
import zlib
from typing import NamedTuple, Optional

import numpy as np
from whoosh import columns
from whoosh.codec import base
from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader, W3PerDocWriter, W3Segment
from whoosh.fields import STORED
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.structfile import BufferFile
from whoosh.matching import ListMatcher
from whoosh.reading import TermInfo as WhooshTermInfo
from whoosh.reading import TermNotFound

from .arrays import decode_varints, encode_varints, ranges, restart_cumsum, run_deltas, varint_sizes
from .terms import FieldTerms, TermInfo, TermsFile, write_terms

#: The file of a segment's shared stored values.
SHARED_EXT = ".shr"
#: The file of the text of every word position of a segment, in lower case,
#: as numbers into the segment's list of them (what statistics count).
SURFACE_EXT = ".srf"
#: The exact length of each paragraph's scorable field, beside Whoosh's
#: one-byte approximation.
EXACT_LENGTH = columns.NumericColumn("I", default=0)


def exact_length_column(field: str) -> str:
    return f"_{field}_exact"


class ArrayCodec(W3Codec):
    """Whoosh's codec with the postings and term dictionary replaced."""

    TERMS_EXT = ".lex"
    POSTS_EXT = ".pos"

    def new_segment(self, storage, indexname):
        return ArraySegment(self, indexname)

    def per_document_writer(self, storage, segment):
        return ArrayPerDocWriter(self, storage, segment)

    def per_document_reader(self, storage, segment):
        return ArrayPerDocReader(storage, segment)

    def field_writer(self, storage, segment):
        return _NoFieldWriter()

    def terms_reader(self, storage, segment):
        name = segment.make_filename(self.TERMS_EXT)
        terms = TermsFile(storage.open_file(name), storage.file_length(name))
        return ArrayTermsReader(terms, segment.open_file(storage, self.POSTS_EXT))


class ArraySegment(W3Segment):
    """A segment of this codec (Whoosh pickles it, codec included, into the
    index's table of contents)."""

    def open_compound_file(self, storage):
        name = self.make_filename(self.COMPOUND_EXT)
        return MappedCompound(storage.open_file(name), use_mmap=storage.supports_mmap)


class MappedCompound(CompoundStorage):
    """A segment's compound file whose parts are read where the file is
    mapped.  Whoosh's own copies each part it opens into memory (a
    ``BytesIO`` of it), so opening a large index read all its postings and
    stored fields; here a read costs the pages it touches."""

    def open_file(self, name, *args, **kwargs):
        if self._source is None:
            return super().open_file(name, *args, **kwargs)
        offset, length = self.range(name)
        return _MappedFile(memoryview(self._source)[offset:offset + length], name=name)


class _MappedFile(BufferFile):
    """Whoosh's BufferFile over a memory view, without the copy."""

    def __init__(self, buf, name=None, onclose=None):
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = _ViewReader(buf)


class _ViewReader:
    """The little of a binary file Whoosh's StructFile asks for, over a
    memory view."""

    def __init__(self, buf) -> None:
        self._buf = buf
        self._at = 0

    def read(self, n: int = -1) -> bytes:
        end = len(self._buf) if n is None or n < 0 else min(len(self._buf), self._at + n)
        found = bytes(self._buf[self._at:end])
        self._at = end
        return found

    def seek(self, at: int, whence: int = 0) -> int:
        self._at = at if whence == 0 else (self._at + at if whence == 1 else len(self._buf) + at)
        return self._at

    def tell(self) -> int:
        return self._at

    def close(self) -> None:
        self._buf = memoryview(b"")


class SharedText(STORED):
    """A stored string that many paragraphs repeat (a document's title, an
    article's heading): each segment keeps each value once, and paragraphs
    its number."""


class ArrayPerDocWriter(W3PerDocWriter):
    """Whoosh's per-document writer, also keeping exact field lengths and
    the values of :class:`SharedText` fields once per segment."""

    def __init__(self, codec, storage, segment):
        super().__init__(codec, storage, segment)
        self._shared: dict[str, dict[str, int]] = {}

    def add_field(self, fieldname, fieldobj, value, length):
        if isinstance(fieldobj, SharedText) and value is not None:
            values = self._shared.setdefault(fieldname, {})
            value = values.setdefault(value, len(values))
        super().add_field(fieldname, fieldobj, value, length)
        if length:
            self.add_column_value(exact_length_column(fieldname), EXACT_LENGTH, length)

    def close(self):
        super().close()
        with self._segment.create_file(self._storage, SHARED_EXT) as out:
            write_shared(out, {name: list(values) for name, values in self._shared.items()})


class ArrayPerDocReader(W3PerDocReader):
    """Whoosh's per-document reader, giving shared values back."""

    _shared = None
    _surfaces = None

    def surfaces(self) -> "Surfaces":
        """The lower-case text of every word position of the segment."""
        if self._surfaces is None:
            self._surfaces = Surfaces(self._segment.open_file(self._storage, SURFACE_EXT))
        return self._surfaces

    def stored_fields(self, docnum):
        found = super().stored_fields(docnum)
        if self._shared is None:
            self._shared = SharedValues(self._segment.open_file(self._storage, SHARED_EXT))
        for name in self._shared.fields:
            if name in found:
                found[name] = self._shared.get(name, found[name])
        return found

    def close(self):
        super().close()
        for opened in (self._shared, self._surfaces):
            if opened is not None:
                opened.close()


#: Shared values compressed together, this many to a block.
SHARED_BLOCK = 32
_SHARED_FOOTER = struct.Struct("<Q")


def write_shared(out, tables: dict[str, list[str]]) -> None:
    """Each field's shared values, zlib-compressed in blocks, then the
    index of the blocks."""
    index = {}
    for name, values in tables.items():
        offsets = []
        for start in range(0, len(values), SHARED_BLOCK):
            offsets.append(out.tell())
            out.write(zlib.compress(pickle.dumps(values[start:start + SHARED_BLOCK], protocol=4), 6))
        offsets.append(out.tell())
        index[name] = offsets
    start = out.tell()
    out.write(pickle.dumps(index, protocol=4))
    out.write(_SHARED_FOOTER.pack(out.tell() - start))


class SharedValues:
    """A segment's shared values, a block read when one of its values is
    wanted (a segment opens in no time, whatever it shares)."""

    def __init__(self, dbfile) -> None:
        self._file = dbfile
        end = dbfile.seek(0, 2)
        size = _SHARED_FOOTER.unpack(dbfile.get(end - _SHARED_FOOTER.size, _SHARED_FOOTER.size))[0]
        self._index = pickle.loads(dbfile.get(end - _SHARED_FOOTER.size - size, size))
        self.fields = tuple(self._index)
        self._blocks: dict = {}

    def get(self, name: str, number: int) -> str:
        key = (name, number // SHARED_BLOCK)
        block = self._blocks.get(key)
        if block is None:
            offsets = self._index[name]
            at = key[1]
            if len(self._blocks) > 64:
                self._blocks.clear()
            block = self._blocks[key] = pickle.loads(zlib.decompress(
                self._file.get(offsets[at], offsets[at + 1] - offsets[at])))
        return block[number % SHARED_BLOCK]

    def close(self) -> None:
        self._file.close()


class _NoFieldWriter(base.FieldWriter):
    """Whoosh opens a field writer with every segment writer; postings of
    this codec are written whole by :mod:`search.index.segments`."""

    is_closed = False

    def start_field(self, fieldname, fieldobj):
        raise NotImplementedError("segments of this codec are written by search.index.segments")

    def close(self):
        self.is_closed = True


_SURFACE_HEAD = struct.Struct("<QQQ")


def write_surfaces(storage, segment, words: list[str], starts: np.ndarray, ids: np.ndarray) -> None:
    """The lower-case text of every word position: ``ids`` into ``words``,
    the positions of paragraph d from ``starts[d]`` to ``starts[d + 1]``."""
    encoded = [w.encode("utf-8") for w in words]
    offsets = np.concatenate(([0], np.cumsum([len(w) for w in encoded], dtype=np.int64)))
    with segment.create_file(storage, SURFACE_EXT) as out:
        out.write(_SURFACE_HEAD.pack(len(starts), len(ids), len(words)))
        for array in (np.asarray(starts, dtype=np.int64), np.asarray(ids, dtype=np.uint32), offsets):
            out.write(array.tobytes())
        out.write(b"".join(encoded))


class Surfaces:
    """A segment's position texts, read where the file is mapped."""

    def __init__(self, dbfile) -> None:
        self._file = dbfile
        if isinstance(dbfile, _MappedFile):
            data = dbfile._buf
        else:
            dbfile.seek(0)
            data = dbfile.read()
        starts, count, words = _SURFACE_HEAD.unpack(bytes(data[:_SURFACE_HEAD.size]))
        at = _SURFACE_HEAD.size
        self.starts = np.frombuffer(data, dtype=np.int64, count=starts, offset=at)
        at += 8 * starts
        self.ids = np.frombuffer(data, dtype=np.uint32, count=count, offset=at)
        at += 4 * count
        self._offsets = np.frombuffer(data, dtype=np.int64, count=words + 1, offset=at)
        self._text = data[at + 8 * (words + 1):]

    def word(self, number: int) -> str:
        return bytes(self._text[self._offsets[number]:self._offsets[number + 1]]).decode("utf-8")

    def close(self) -> None:
        self._file.close()


# -- writing -----------------------------------------------------------------------

class Inverted(NamedTuple):
    """A field's postings as flat arrays in (term, document, position)
    order: what a segment builder or a merge hands the writer."""

    terms: list  # term bytes, sorted; ``term`` indexes them
    term: np.ndarray
    doc: np.ndarray
    pos: Optional[np.ndarray] = None  # positional fields only
    flags: Optional[np.ndarray] = None


def write_postings(storage, segment, fields: dict[str, Inverted]) -> None:
    """Write the segment's postings file and term dictionary."""
    postfile = segment.create_file(storage, ArrayCodec.POSTS_EXT)
    found = {}
    for name, inv in fields.items():
        if len(inv.term):
            found[name] = write_field(postfile, inv)
    postfile.close()
    termsfile = segment.create_file(storage, ArrayCodec.TERMS_EXT)
    write_terms(termsfile, found)
    termsfile.close()


def write_field(postfile, inv: Inverted) -> FieldTerms:
    """One field's postings: its four streams, each a region of the file in
    term order, written one after the other so that only one is ever in
    memory as bytes; the columns the term dictionary keeps."""
    term, doc = inv.term, inv.doc
    n = len(term)
    change = np.empty(n, dtype=bool)
    change[0] = True
    np.not_equal(term[1:], term[:-1], out=change[1:])
    # A posting starts where the term or the paragraph changes.
    new_doc = np.empty(n, dtype=bool)
    new_doc[0] = True
    np.not_equal(doc[1:], doc[:-1], out=new_doc[1:])
    starts = np.flatnonzero(change | new_doc)
    del new_doc
    freq = np.diff(np.append(starts, n)).astype(np.int32)
    tstarts = np.flatnonzero(change[starts])
    del change
    df = np.diff(np.append(tstarts, len(starts)))
    weight = np.add.reduceat(freq, tstarts).astype(np.int64)
    terms = len(tstarts)
    bases, lengths = [], []

    def write(data: np.ndarray, per_term: np.ndarray) -> None:
        bases.append(postfile.tell())
        lengths.append(per_term)
        postfile.write(data.tobytes())

    write(*_stream(run_deltas(doc[starts], tstarts), tstarts, terms))
    has_freq = weight > df
    keep = np.repeat(has_freq, df)
    write(*_stream(freq[keep] - 1, _starts_of(df[has_freq]), terms, has_freq))
    del keep
    if inv.pos is not None:
        write(*_stream(run_deltas(inv.pos, starts), starts[tstarts], terms))
        write(*_flag_stream(np.asarray(inv.flags, dtype=np.uint8), weight))
    else:
        write(np.zeros(0, dtype=np.uint8), np.zeros(terms, dtype=np.int64))
        write(np.zeros(0, dtype=np.uint8), np.zeros(terms, dtype=np.int64))
    return FieldTerms([inv.terms[t] for t in term[starts[tstarts]].tolist()], df, weight, *lengths,
                      bases=tuple(bases))


def _starts_of(counts: np.ndarray) -> np.ndarray:
    return np.cumsum(counts) - counts


def _stream(values: np.ndarray, run_starts: np.ndarray, terms: int, which: Optional[np.ndarray] = None):
    """Varints of ``values`` and the bytes each term's run of them takes
    (``which``: the terms that have a run, in order; all when None)."""
    sizes = varint_sizes(values)
    per_term = np.zeros(terms, dtype=np.int64)
    if len(values):
        found = np.add.reduceat(sizes, run_starts, dtype=np.int64)
        if which is None:
            per_term[:] = found
        else:
            per_term[which] = found
    return encode_varints(values, sizes), per_term


def _flag_stream(flags: np.ndarray, weight: np.ndarray):
    """Two bits per position, four to a byte, for the terms with any flag
    set; each term's bits start on a byte of their own."""
    first_entry = np.cumsum(weight) - weight
    set_at = np.flatnonzero(flags)
    term_of = np.searchsorted(first_entry, set_at, side="right") - 1
    flagged = np.zeros(len(weight), dtype=bool)
    flagged[term_of] = True
    sizes = np.where(flagged, (weight + 3) // 4, 0)
    out = np.zeros(int(sizes.sum()), dtype=np.uint8)
    if len(set_at):
        index = set_at - first_entry[term_of]
        byte = (np.cumsum(sizes) - sizes)[term_of] + index // 4
        np.bitwise_or.at(out, byte, (flags[set_at] << (2 * (index % 4))).astype(np.uint8))
    return out, sizes


# -- reading -----------------------------------------------------------------------

class Postings:
    """One term's postings in one segment, decoded at once: document
    numbers and frequencies; positions and flags read when asked for."""

    __slots__ = ("info", "ids", "freqs", "_file", "_positions", "_flags", "_first")

    def __init__(self, info: TermInfo, postfile) -> None:
        self.info = info
        self._file = postfile
        self.ids = np.cumsum(decode_varints(postfile.get(info.doc_off, info.doc_len), info.df))
        self.freqs = (decode_varints(postfile.get(info.freq_off, info.freq_len), info.df) + 1) if info.freq_len \
            else np.ones(info.df, dtype=np.int64)
        self._positions = self._flags = self._first = None

    def positions(self) -> np.ndarray:
        """Every position of every posting, posting after posting."""
        if self._positions is None:
            info = self.info
            deltas = decode_varints(self._file.get(info.pos_off, info.pos_len), info.weight)
            self._positions = restart_cumsum(deltas, self.freqs)
        return self._positions

    def flags(self) -> np.ndarray:
        """The flag bits of every position (see the module's docstring)."""
        if self._flags is None:
            info = self.info
            if not info.flag_len:
                self._flags = np.zeros(info.weight, dtype=np.uint8)
            else:
                packed = np.frombuffer(self._file.get(info.flag_off, info.flag_len), dtype=np.uint8)
                self._flags = _unpack_flags(packed)[:info.weight]
        return self._flags

    def first_entries(self) -> np.ndarray:
        """The index in :meth:`positions` of each posting's first position
        (worked out once: phrases and evidence ask for it again and again)."""
        if self._first is None:
            self._first = np.cumsum(self.freqs) - self.freqs
        return self._first


def _unpack_flags(packed: np.ndarray) -> np.ndarray:
    return ((packed[:, None] >> np.array([0, 2, 4, 6], dtype=np.uint8)) & 3).reshape(-1)


class ArrayTermsReader(base.TermsReader):
    """The terms and postings of one segment, for Whoosh and for ranking."""

    def __init__(self, terms: TermsFile, postfile) -> None:
        self._terms = terms
        self._postfile = postfile

    def postings(self, fieldname: str, tbytes: bytes) -> Optional[Postings]:
        """The term's postings as arrays, or None if the segment lacks it."""
        info = self._terms.info(fieldname, tbytes)
        if info is None:
            return None
        return Postings(info, self._postfile)

    def info(self, fieldname: str, tbytes: bytes) -> Optional[TermInfo]:
        return self._terms.info(fieldname, tbytes)

    # -- Whoosh's interface --
    def __contains__(self, term):
        return self._terms.info(*term) is not None

    def indexed_field_names(self):
        return self._terms.fields()

    def terms(self):
        for name in self._terms.fields():
            for tbytes, _ in self._terms.items_from(name):
                yield name, tbytes

    def terms_from(self, fieldname, prefix):
        for tbytes, _ in self._terms.items_from(fieldname, prefix):
            yield fieldname, tbytes

    def items(self):
        for name in self._terms.fields():
            for tbytes, info in self._terms.items_from(name):
                yield (name, tbytes), _whoosh_info(info)

    def items_from(self, fieldname, prefix):
        for tbytes, info in self._terms.items_from(fieldname, prefix):
            yield (fieldname, tbytes), _whoosh_info(info)

    def term_info(self, fieldname, tbytes):
        return _whoosh_info(self._found(fieldname, tbytes))

    def frequency(self, fieldname, tbytes):
        info = self._terms.info(fieldname, tbytes)
        if info is None:
            raise KeyError(tbytes)  # what Whoosh's reader turns into 0
        return info.weight

    def doc_frequency(self, fieldname, tbytes):
        info = self._terms.info(fieldname, tbytes)
        if info is None:
            raise KeyError(tbytes)
        return info.df

    def _found(self, fieldname, tbytes) -> TermInfo:
        info = self._terms.info(fieldname, tbytes)
        if info is None:
            raise TermNotFound(f"no term {fieldname}:{tbytes!r}")
        return info

    def matcher(self, fieldname, tbytes, format_, scorer=None):
        found = self.postings(fieldname, tbytes)
        if found is None:
            raise TermNotFound(f"no term {fieldname}:{tbytes!r}")
        ids = found.ids.tolist()
        weights = found.freqs.astype(float).tolist()
        values = None
        if found.info.pos_len and format_.supports("positions"):
            positions = found.positions().tolist()
            firsts = found.first_entries().tolist()
            values = [format_.encode(positions[s:s + f]) for s, f in zip(firsts, found.freqs.tolist())]
        return ListMatcher(ids, weights, values, format_, scorer=scorer, term=(fieldname, tbytes),
                           terminfo=_whoosh_info(found.info))

    def close(self):
        self._terms.close()
        self._postfile.close()


def _whoosh_info(info: TermInfo) -> WhooshTermInfo:
    """Whoosh's term info; the bounds it uses to skip blocks are safe ones
    (a weight no posting exceeds, a length no paragraph is below)."""
    return WhooshTermInfo(weight=float(info.weight), df=info.df, minlength=1, maxlength=1 << 30,
                          maxweight=float(info.weight))


class FieldPostings(NamedTuple):
    """Every posting of a field in one segment: the field's terms, and for
    each posting its term's index, paragraph and frequency."""

    terms: list
    term: np.ndarray
    doc: np.ndarray
    freq: np.ndarray


def read_postings(reader: ArrayTermsReader, field: str) -> FieldPostings:
    """Every posting of a field in one segment, its positions left unread
    (deleted paragraphs included)."""
    table = reader._terms.field_table(field)
    return _read_postings(reader, *table)[0]


def _read_postings(reader, terms, columns):
    df, weight, doc_off, doc_len, freq_off, freq_len, pos_off, pos_len, flag_off, flag_len = columns
    region = lambda off, length: reader._postfile.get(int(off[0]), int(length.sum())) if len(off) else b""  # noqa: E731
    term = np.repeat(np.arange(len(terms), dtype=np.int32), df)
    doc = restart_cumsum(decode_varints(region(doc_off, doc_len)), df).astype(np.int32)
    freq = np.ones(len(doc), dtype=np.int64)
    has_freq = freq_len > 0
    if has_freq.any():
        freq[np.repeat(has_freq, df)] = decode_varints(region(freq_off, freq_len)) + 1
    return FieldPostings(terms, term, doc, freq), region, columns


def read_field(reader: ArrayTermsReader, field: str) -> Inverted:
    """Every posting of a field in one segment, decoded at once into the
    flat arrays a writer takes (deleted paragraphs included)."""
    found, region, columns = _read_postings(reader, *reader._terms.field_table(field))
    df, weight, _, _, _, _, pos_off, pos_len, flag_off, flag_len = columns
    terms, doc, freq = found.terms, found.doc, found.freq
    if not len(pos_len) or not pos_len.any():  # an entry per occurrence, as a writer takes them
        return Inverted(terms, np.repeat(found.term, freq), np.repeat(doc, freq))
    pos = restart_cumsum(decode_varints(region(pos_off, pos_len)), freq).astype(np.int32)
    flags = np.zeros(len(pos), dtype=np.uint8)
    flagged = flag_len > 0
    if flagged.any():
        bits = _unpack_flags(np.frombuffer(region(flag_off, flag_len), dtype=np.uint8))
        room = 4 * flag_len[flagged]
        keep = ranges(np.zeros(len(room), dtype=np.int64), room) < np.repeat(weight[flagged], room)
        first_entry = np.cumsum(weight) - weight
        flags[ranges(first_entry[flagged], weight[flagged])] = bits[keep]
    term = np.repeat(np.arange(len(terms), dtype=np.int32), weight)
    return Inverted(terms, term, np.repeat(doc, freq), pos, flags)
