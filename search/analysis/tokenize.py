"""Words and their offsets in a normalized text."""

from __future__ import annotations

import re
from typing import NamedTuple

from ..lang import APOSTROPHES

_LETTERS = r"[^\W_]"
_APOS = f"[{re.escape(APOSTROPHES)}]"
_HYPHEN = "[-\u2010\u2011]"
_PIECE = f"{_LETTERS}+(?:{_APOS}{_LETTERS}+)*"
WORD = re.compile(f"{_PIECE}(?:{_HYPHEN}{_PIECE})*")
HYPHEN = re.compile(_HYPHEN)
#: Longer "words" are not words (base64, hashes, garbage); they are cut.
MAX_WORD = 64


class Token(NamedTuple):
    """A word and its character offsets (a tuple: texts have many words)."""

    text: str
    start: int
    end: int

    @property
    def parts(self) -> list["Token"]:
        """The pieces of a hyphenated compound, each with its own offsets."""
        if not HYPHEN.search(self.text):
            return [self]
        out, offset = [], self.start
        for piece in HYPHEN.split(self.text):
            out.append(Token(piece, offset, offset + len(piece)))
            offset += len(piece) + 1
        return out


def tokenize(text: str) -> list[Token]:
    return [
        Token(m.group()[:MAX_WORD], m.start(), min(m.end(), m.start() + MAX_WORD))
        for m in WORD.finditer(text)
    ]


def words(text: str) -> list[str]:
    """The texts of :func:`tokenize`'s tokens, without offsets (what
    indexing needs, found several times faster)."""
    return cut(WORD.findall(text))


def cut(found: list[str]) -> list[str]:
    """Words as :func:`tokenize` keeps them: at most MAX_WORD letters."""
    if any(len(w) > MAX_WORD for w in found):
        return [w[:MAX_WORD] for w in found]
    return found
