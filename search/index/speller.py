"""The did-you-mean speller of an index, made when it is committed.

A speller knows the index's lemmas and forms with the number of paragraphs
that hold each.  Reading them means decoding the whole term dictionary of
two fields in every segment, and indexing their deletes takes about as
long: seconds on a corpus of tens of millions of words, which the first
misspelt query of every process would wait for.  Every commit of an index
that big makes the speller instead, with the words of the shipped synonym tables (the words
a query's suggestions also draw on), and keeps it beside the index
(``speller.pickle`` in the generation's folder) with the table of contents
it was made from.  A query with other synonym files makes its own from the
kept vocabulary, without reading the term dictionary.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..analysis.spelling import Speller, select
from ..analysis.synonyms import Synonyms
from .store import read_pickle, write_pickle

FILE = "speller.pickle"
#: Terms from which a speller is kept: a smaller one is made at query time
#: in well under a second (0.5 s for the 37,000 terms of a million words),
#: less than keeping it would add to every update.
KEEP_FROM = 100_000
#: Changed whenever a speller pickles differently: a file of another format
#: is not read.
FORMAT = 1
#: The fields whose terms a speller knows.
FIELDS = ("lemma", "form")


@dataclass(frozen=True)
class Kept:
    format: int
    toc: int
    vocabulary: dict  # {term: paragraphs}, as spelling.select leaves it
    extra: tuple  # the words the speller was made with besides
    speller: Speller

    def for_extra(self, extra: tuple) -> Speller:
        """The kept speller, or one of the same vocabulary with other
        ``extra`` words."""
        return self.speller if extra == self.extra else Speller(self.vocabulary.items(), extra=extra)


def vocabulary(readers: list) -> list[tuple[str, int]]:
    """Every term of :data:`FIELDS` with the number of paragraphs that hold it
    (deleted ones too), read a block of the term dictionary at a time."""
    found: dict[bytes, int] = {}
    for reader in readers:
        for field in FIELDS:
            terms, columns = reader._terms._terms.field_table(field)
            for term, df in zip(terms, columns[0].tolist()):
                found[term] = found.get(term, 0) + df
    return [(term.decode("utf-8"), df) for term, df in found.items()]


def shipped_words() -> tuple[str, ...]:
    """The words of the shipped synonym tables, as a query without synonym
    files of its own gives them to the speller."""
    return tuple(Synonyms.load([]).words())


def make(readers: list, extra: tuple[str, ...] = ()) -> Speller:
    """A speller of the segments' terms and ``extra`` words, made now."""
    return Speller(vocabulary(readers), extra=extra)


def write(folder: Path, ix) -> None:
    """Make the index's speller and keep it beside the index, if it knows
    :data:`KEEP_FROM` terms or more."""
    with ix.reader() as reader:
        found = select(vocabulary([sub for sub, _ in reader.leaf_readers()]))
    if len(found) < KEEP_FROM:
        (folder / FILE).unlink(missing_ok=True)  # of an earlier commit, when the index was bigger
        return
    extra = shipped_words()
    write_pickle(folder / FILE, Kept(FORMAT, ix.latest_generation(), found, extra, Speller(found.items(), extra=extra)))


def read(folder: Path, toc: int) -> Optional[Kept]:
    """The speller kept for table of contents ``toc``; None when there is
    none, or it is of another commit or format."""
    kept = read_pickle(folder / FILE)
    return kept if isinstance(kept, Kept) and kept.format == FORMAT and kept.toc == toc else None
