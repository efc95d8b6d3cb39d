"""Unicode clean-up shared by ingestion and queries.

Two levels:

* :func:`normalize_text` rewrites a whole text once, before it is stored.
  It may change lengths (it drops soft hyphens and stress marks), so it runs
  before tokenization and stored offsets always refer to its output.
* :func:`fold_word` maps one token to the key it is indexed under (case,
  apostrophes, ё, Latin look-alikes).  It never touches the stored text, so
  highlights show the text as it was written.
"""

from __future__ import annotations

import re
import unicodedata

from ..lang import APOSTROPHES, CYRILLIC, CYRILLIC_TO_LATIN, LATIN_TO_CYRILLIC

_APOSTROPHE_TABLE = str.maketrans({a: APOSTROPHES[0] for a in APOSTROPHES})

# Characters removed from the text: soft hyphen, zero-width space/joiners,
# word joiner, BOM, and combining stress marks (acute, grave).
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff\u0301\u0300]")
# No-break and other fixed-width spaces become a plain space.
_SPACES = re.compile("[\u00a0\u2007\u202f\u2000-\u200a\u3000\t\f\v]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def normalize_text(text: str) -> str:
    """NFC, invisible characters and stress marks out, odd spaces made plain."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _CONTROL.sub(" ", text)
    # Removing a stress mark can leave a letter that now composes.
    return unicodedata.normalize("NFC", text)


def unify_apostrophes(text: str) -> str:
    return text.translate(_APOSTROPHE_TABLE)


def fold_script(word: str) -> str:
    """Replace look-alike letters of the minority script in a mixed word.

    ``"Конвенцiя"`` (Latin i) becomes ``"Конвенція"``; ``"Prоtocol"`` (a
    Cyrillic о) becomes ``"Protocol"``.  A word in one script is left alone;
    see :func:`script_variants` for those.
    """
    cyrillic = sum(ch.lower() in CYRILLIC for ch in word)
    latin = sum("a" <= ch.lower() <= "z" for ch in word)
    if not cyrillic or not latin:
        return word
    table = LATIN_TO_CYRILLIC if cyrillic >= latin else CYRILLIC_TO_LATIN
    return "".join(table.get(ch, ch) for ch in word)


def script_variants(word: str) -> tuple[str, ...]:
    """The word and, if it is written wholly in look-alike letters, its twin
    in the other script: ``"CTOC"`` ↔ ``"СТОС"``.  Keys are lower case."""
    folded = fold_script(word)
    variants = [folded]
    letters = [ch for ch in folded if ch.isalpha()]
    if len(letters) < 2:  # "і", "a)": a twin would only add noise
        pass
    elif all(ch in LATIN_TO_CYRILLIC for ch in letters):
        variants.append("".join(LATIN_TO_CYRILLIC.get(ch, ch) for ch in folded))
    elif all(ch in CYRILLIC_TO_LATIN for ch in letters):
        variants.append("".join(CYRILLIC_TO_LATIN.get(ch, ch) for ch in folded))
    return tuple(dict.fromkeys(fold_word(v) for v in variants))


def fold_word(word: str) -> str:
    """The index key of a word form: lower case, one apostrophe, ё → е."""
    return unify_apostrophes(word).lower().replace("ё", "е")
