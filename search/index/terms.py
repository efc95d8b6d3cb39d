"""The term dictionary of a segment: every field's terms, sorted, with what
their postings need, in blocks.

A field's terms are written in blocks of :data:`BLOCK` terms.  A block
holds the terms' lengths and bytes and, per term, its document frequency,
its total frequency and the lengths of its four posting streams, each
column in the narrowest unsigned type that holds it.  Only the first term,
the file offset and the stream bases of every block are read when a
segment is opened; a look-up bisects them and decodes one block (decoded
blocks are kept, a few hundred per field).  Each stream of a field lies in
term order in a region of its own, so a term's offset in it is the
block's base plus the lengths of the terms before it.
"""

from __future__ import annotations

import pickle
import struct
from bisect import bisect_left, bisect_right
from typing import Iterator, NamedTuple, Optional

import numpy as np

from .arrays import smallest_uint

#: Terms per block.
BLOCK = 64
#: Decoded blocks kept per field of an open segment.
CACHED_BLOCKS = 512
_FOOTER = struct.Struct("<Q")
_DTYPES = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}
#: The per-term columns after the term's length, in block order.
COLUMNS = ("df", "extra", "doc_len", "freq_len", "pos_len", "flag_len")


class TermInfo(NamedTuple):
    """Where a term's postings are and what they hold."""

    df: int  # documents
    weight: int  # occurrences in all of them
    doc_off: int  # document-number varints: where, how many bytes
    doc_len: int
    freq_off: int  # frequency varints (no bytes: every frequency is 1)
    freq_len: int
    pos_off: int  # position varints (no bytes: the field has none)
    pos_len: int
    flag_off: int  # position flags (no bytes: every flag is 0)
    flag_len: int


class FieldTerms(NamedTuple):
    """A field's terms as the writer receives them: sorted term bytes and
    their columns (``COLUMNS`` in order, except ``extra`` is given as the
    total frequency ``weight``), and where each stream's region starts in
    the postings file."""

    terms: list
    df: np.ndarray
    weight: np.ndarray
    doc_len: np.ndarray
    freq_len: np.ndarray
    pos_len: np.ndarray
    flag_len: np.ndarray
    bases: tuple[int, int, int, int]


def write_terms(dbfile, fields: dict[str, FieldTerms]) -> None:
    """Write every field's terms, then the index of blocks, to ``dbfile``."""
    index = {}
    for name, ft in fields.items():
        keys, offsets = [], []
        columns = [ft.df, ft.weight - ft.df, ft.doc_len, ft.freq_len, ft.pos_len, ft.flag_len]
        lengths = (ft.doc_len, ft.freq_len, ft.pos_len, ft.flag_len)
        # Each block's base in each stream's region.
        starts = np.array([base + np.concatenate(([0], np.cumsum(n)))[:-1] for base, n in zip(ft.bases, lengths)])
        for start in range(0, len(ft.terms), BLOCK):
            end = min(start + BLOCK, len(ft.terms))
            terms = ft.terms[start:end]
            keys.append(terms[0])
            offsets.append(dbfile.tell())
            dbfile.write(_block(terms, [c[start:end] for c in columns]))
        bases = starts[:, ::BLOCK].T if len(ft.terms) else np.zeros((0, 4), dtype=np.int64)
        # Each field's index pickled apart: a segment opens only the fields
        # a query reads.
        offsets.append(dbfile.tell())  # where the field's last block ends
        index[name] = pickle.dumps((keys, np.array(offsets, dtype=np.int64).tobytes(),
                                    np.ascontiguousarray(bases, dtype=np.int64).tobytes(), len(ft.terms)),
                                   protocol=4)
    start = dbfile.tell()
    dbfile.write(pickle.dumps(index, protocol=4))
    dbfile.write(_FOOTER.pack(dbfile.tell() - start))


def _block(terms: list, columns: list) -> bytes:
    lengths = smallest_uint(np.array([len(t) for t in terms], dtype=np.int64))
    packed = [lengths] + [smallest_uint(np.asarray(c, dtype=np.int64)) for c in columns]
    head = struct.pack("<H", len(terms)) + bytes(a.dtype.itemsize for a in packed)
    return b"".join([head, lengths.tobytes(), b"".join(terms)] + [a.tobytes() for a in packed[1:]])


class _Block(NamedTuple):
    terms: list  # bytes, sorted
    infos: list  # TermInfo of each


class TermsFile:
    """The term dictionary of one segment, read from a Whoosh StructFile."""

    def __init__(self, dbfile, length: int) -> None:
        self._file = dbfile
        size = _FOOTER.unpack(dbfile.get(length - _FOOTER.size, _FOOTER.size))[0]
        self._index = pickle.loads(dbfile.get(length - _FOOTER.size - size, size))
        self._fields: dict[str, Optional[_Field]] = {}
        self._cache: dict = {}

    def _field(self, name: str) -> Optional["_Field"]:
        """A field's index of blocks, unpickled when first asked for."""
        if name not in self._fields:
            packed = self._index.get(name)
            if packed is None:
                self._fields[name] = None
            else:
                keys, offsets, bases, count = pickle.loads(packed)
                self._fields[name] = _Field(keys, np.frombuffer(offsets, dtype=np.int64).tolist(),
                                            np.frombuffer(bases, dtype=np.int64).reshape(-1, 4).tolist(), count)
        return self._fields[name]

    def fields(self) -> list[str]:
        return list(self._index)

    def close(self) -> None:
        self._file.close()

    def info(self, field: str, term: bytes) -> Optional[TermInfo]:
        f = self._field(field)
        if f is None or not f.keys:
            return None
        n = bisect_right(f.keys, term) - 1
        if n < 0:
            return None
        block = self._block(field, f, n)
        i = bisect_left(block.terms, term)
        if i < len(block.terms) and block.terms[i] == term:
            return block.infos[i]
        return None

    def items_from(self, field: str, prefix: bytes = b"") -> Iterator[tuple[bytes, TermInfo]]:
        """(term, info) of the field's terms from ``prefix`` on, in order."""
        f = self._field(field)
        if f is None or not f.keys:
            return
        n = max(0, bisect_right(f.keys, prefix) - 1)
        first = True
        for b in range(n, len(f.keys)):
            block = self._block(field, f, b)
            start = bisect_left(block.terms, prefix) if first else 0
            first = False
            yield from zip(block.terms[start:], block.infos[start:])

    def field_table(self, field: str) -> tuple[list, list]:
        """Every term of a field, and its columns as arrays in TermInfo's
        order (what a merge reads)."""
        f = self._field(field)
        terms: list = []
        parts: list = []
        for n in range(len(f.keys) if f else 0):
            data = self._file.get(f.offsets[n], f.offsets[n + 1] - f.offsets[n])
            found, columns = decode_block(data, f.bases[n])
            terms += found
            parts.append(columns)
        if not parts:
            return [], [np.zeros(0, dtype=np.int64) for _ in TermInfo._fields]
        return terms, [np.concatenate(c) for c in zip(*parts)]

    def _block(self, field: str, f: "_Field", n: int) -> _Block:
        key = (field, n)
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) >= CACHED_BLOCKS * max(1, len(self._index)):
                self._cache.clear()
            data = self._file.get(f.offsets[n], f.offsets[n + 1] - f.offsets[n])
            found = self._cache[key] = _decode(data, f.bases[n])
        return found


class _Field:
    __slots__ = ("keys", "offsets", "bases", "count")

    def __init__(self, keys, offsets, bases, count) -> None:
        self.keys, self.offsets, self.bases, self.count = keys, offsets, bases, count


def _decode(data: bytes, bases: list[int]) -> _Block:
    terms, columns = decode_block(data, bases)
    rows = zip(*(c.tolist() for c in columns))
    return _Block(terms, [TermInfo(*row) for row in rows])


def decode_block(data: bytes, bases: list[int]) -> tuple[list, list]:
    """A block's terms, and its columns as arrays in TermInfo's order
    (``bases``: the block's start in each stream's region)."""
    n = struct.unpack_from("<H", data)[0]
    sizes = data[2:3 + len(COLUMNS)]
    at = 3 + len(COLUMNS)
    lengths = np.frombuffer(data, dtype=_DTYPES[sizes[0]], count=n, offset=at)
    at += n * sizes[0]
    ends = np.cumsum(lengths).tolist()
    terms, start = [], at
    for end in ends:
        terms.append(data[start:at + end])
        start = at + end
    at += ends[-1] if ends else 0
    arrays = []
    for size in sizes[1:]:
        arrays.append(np.frombuffer(data, dtype=_DTYPES[size], count=n, offset=at).astype(np.int64))
        at += n * size
    df, extra, *lens = arrays
    columns = [df, df + extra]
    for base, length in zip(bases, lens):
        columns += [base + np.cumsum(length) - length, length]
    return terms, columns
