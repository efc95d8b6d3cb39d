"""Label each paragraph uk, ru or other from its own text.

Letters decide first: і ї є ґ occur only in Ukrainian, ы э ъ ё only in
Russian.  When a paragraph has none of them (short lines, numbers, words
shared by both languages) the dictionaries decide: the language whose
dictionary knows more of its words wins.  A source's own label is used only
when the text gives no evidence at all.
"""

from __future__ import annotations

import re

from ..lang import APOSTROPHES, CYRILLIC_BLOCK, LANGS, OWN_LETTERS

_APOSTROPHE = f"[{re.escape(APOSTROPHES)}]"
_WORD = re.compile(rf"[^\W\d_]+(?:{_APOSTROPHE}[^\W\d_]+)*")
_INNER_APOSTROPHE = re.compile(rf"[^\W\d_]{_APOSTROPHE}[^\W\d_]")
_CYRILLIC_CHAR = re.compile(f"[{CYRILLIC_BLOCK}]")
_LATIN_CHAR = re.compile(r"[a-zA-Z]")


def detect_lang(text: str, hint: str = "") -> str:
    """``"uk"``, ``"ru"``, ``"other"`` (not Cyrillic), or ``""`` for Cyrillic
    text that is valid in both languages."""
    cyr = len(_CYRILLIC_CHAR.findall(text))
    if cyr == 0 or cyr < len(_LATIN_CHAR.findall(text)):
        return hint if hint in LANGS and cyr else "other"
    lower = text.lower()
    votes = {lang: sum(lower.count(ch) for ch in letters) for lang, letters in OWN_LETTERS.items()}
    # Apostrophes inside words are Ukrainian ("об'єднаних").
    votes["uk"] += len(_INNER_APOSTROPHE.findall(lower))
    if votes["uk"] != votes["ru"]:
        return max(votes, key=votes.get)
    # Undecided: the caller falls back on the document's language.
    return _by_dictionary(lower) or (hint if hint in LANGS else "")


def _by_dictionary(text: str) -> str:
    from ..analysis.morph import known_in

    words = _WORD.findall(text)[:60]
    counts = {lang: sum(known_in(w, lang) for w in words) for lang in LANGS}
    if counts["uk"] == counts["ru"]:
        return ""
    return max(counts, key=counts.get)
