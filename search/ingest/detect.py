"""Label each paragraph uk, ru or other from its own text.

Letters decide first: і ї є ґ occur only in Ukrainian, ы э ъ ё only in
Russian.  When a paragraph has none of them (short lines, numbers, words
shared by both languages), a source's own label decides (a JSON Lines
record's ``lang``); a source without one is decided by the dictionaries:
the language whose dictionary knows more of its words wins.  A labelled
source's paragraph with no letters but a few Latin ones ("№ 1017-IX") keeps
the label too.
"""

from __future__ import annotations

import re

from ..lang import APOSTROPHES, CYRILLIC_BLOCK, LANGS, OWN_LETTERS

_APOSTROPHE = f"[{re.escape(APOSTROPHES)}]"
_WORD = re.compile(rf"[^\W\d_]+(?:{_APOSTROPHE}[^\W\d_]+)*")
_INNER_APOSTROPHE = re.compile(rf"[^\W\d_]{_APOSTROPHE}[^\W\d_]")
_CYRILLIC_CHAR = re.compile(f"[{CYRILLIC_BLOCK}]")
_LATIN_CHAR = re.compile(r"[a-zA-Z]")
#: Latin letters a paragraph of a labelled source may hold and keep its
#: label (a Roman numeral, a series letter); more make it "other".
_FEW_LATIN = 4


def detect_lang(text: str, hint: str = "") -> str:
    """``"uk"``, ``"ru"``, ``"other"`` (not Cyrillic), or ``""`` for Cyrillic
    text that is valid in both languages."""
    cyr, latin = len(_CYRILLIC_CHAR.findall(text)), len(_LATIN_CHAR.findall(text))
    if cyr == 0 or cyr < latin:
        return hint if hint in LANGS and (cyr or latin <= _FEW_LATIN) else "other"
    lower = text.lower()
    votes = {lang: sum(lower.count(ch) for ch in letters) for lang, letters in OWN_LETTERS.items()}
    # Apostrophes inside words are Ukrainian ("об'єднаних").
    votes["uk"] += len(_INNER_APOSTROPHE.findall(lower))
    if votes["uk"] != votes["ru"]:
        return max(votes, key=votes.get)
    if hint in LANGS:  # the source says, and the letters do not gainsay it
        return hint
    # Undecided: the caller falls back on the document's language.
    return _by_dictionary(lower)


def _by_dictionary(text: str) -> str:
    from ..analysis.morph import known_in

    words = _WORD.findall(text)[:60]
    counts = {lang: sum(known_in(w, lang) for w in words) for lang in LANGS}
    if counts["uk"] == counts["ru"]:
        return ""
    return max(counts, key=counts.get)
