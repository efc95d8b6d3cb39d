"""The index schema.

Analysis happens before Whoosh sees a paragraph (``search.analysis``): the
``form`` and ``lemma`` fields receive pre-analysed slots, and the tokenizer
stored in the schema only splits them back into terms and positions.  That
keeps the pickled schema tiny and free of pymorphy3, lets worker processes
do the expensive part, and puts several lemmas of one word at one position.
"""

from __future__ import annotations

from whoosh.analysis import Tokenizer
from whoosh.analysis.acore import Token
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from ..analysis.analyze import ALT

#: Bumped whenever the schema or the analysis changes what is indexed; an
#: index of another version is rebuilt rather than updated.
SCHEMA_VERSION = 3


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


def make_schema() -> Schema:
    slots = SlotTokenizer()
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        source=ID(stored=True),
        doc=ID(stored=True),
        lang=ID(stored=True),
        kind=ID(stored=True),
        part=ID(stored=True),  # the instrument: "Конвенція", a Protocol's name
        article=ID(stored=True),
        ordinal=NUMERIC(stored=True, sortable=True),
        lemma=TEXT(analyzer=slots, phrase=True),
        form=TEXT(analyzer=slots, phrase=True),
        # lemmas of the titles of the article and section a paragraph stands in
        context=TEXT(analyzer=slots, phrase=False),
        text=STORED(),
        meta=STORED(),  # part, section, title, citation, footnotes, …
        analysis=STORED(),  # forms, lemmas and offsets of every position
    )
