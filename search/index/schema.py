"""The index schema.

Analysis happens before Whoosh sees a paragraph: segments are written by
:mod:`search.index.segments`, which puts each word's forms and lemmas into
the ``form`` and ``lemma`` fields itself.  The tokenizer stored in the
schema only reads pre-analysed slots (``"a|b c"``), for any Whoosh code
that would analyse a value; it keeps the pickled schema tiny and free of
pymorphy3.  Paragraph ids and ordinals are stored with a column each and
not indexed: nothing searches them, and a term per paragraph would cost
more than the column.
"""

from __future__ import annotations

from whoosh import columns
from whoosh.analysis import Tokenizer
from whoosh.analysis.acore import Token
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema

from ..analysis.analyze import ALT
from .codec import SharedText

#: Bumped whenever the schema or the analysis changes what is indexed; an
#: index of another version is rebuilt rather than updated.
SCHEMA_VERSION = 7


class SlotTokenizer(Tokenizer):
    """Reads ``"a|b c d"`` as the terms a and b at position 0, c at 1, d at 2."""

    def __eq__(self, other):
        return other.__class__ is self.__class__

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, slot in enumerate(value.split(" ")):
            if not slot:
                continue
            for term in slot.split(ALT):
                token.text = term
                token.boost = 1.0
                token.stopped = False
                if positions:
                    token.pos = start_pos + pos
                yield token


class StoredColumn(COLUMN):
    """A stored value that also has a column (for sorting and ties), and no
    postings: text as UTF-8 bytes, or a whole number."""

    stored = True

    def __init__(self, number: bool = False) -> None:
        super().__init__(columns.NumericColumn("I") if number else columns.VarBytesColumn())
        self.number = number

    def to_column_value(self, value):
        return value if self.number else value.encode("utf-8")

    def from_column_value(self, value):
        return value if self.number else value.decode("utf-8")


def make_schema() -> Schema:
    slots = SlotTokenizer()
    return Schema(
        id=StoredColumn(),
        source=ID(stored=True),
        doc=ID(stored=True),
        lang=ID(stored=True),
        kind=ID(stored=True),
        part=ID(stored=True),  # the instrument: "Конвенція", a Protocol's name
        article=ID(stored=True),
        ordinal=StoredColumn(number=True),
        lemma=TEXT(analyzer=slots, phrase=True),
        form=TEXT(analyzer=slots, phrase=True),
        # lemmas of the titles of the article and section a paragraph stands in
        context=TEXT(analyzer=slots, phrase=False),
        text=STORED(),
        title=SharedText(),  # the document's
        section=SharedText(),
        article_title=SharedText(),
        meta=STORED(),  # citation, paragraph and footnotes
        spans=STORED(),  # character offsets of every word position
    )
