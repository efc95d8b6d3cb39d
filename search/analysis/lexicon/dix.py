"""Read an Apertium bilingual dictionary (``.dix``) into word pairs.

An entry is ``<e><p><l>word<s n="n"/></l><r>word<s n="n"/></r></p></e>``
or an identity ``<e><i>word<s n="n"/></i></e>``; ``<b/>`` is a blank inside
a multiword lemma, ``<g>`` holds its invariable tail, and ``r="LR"`` or
``r="RL"`` on ``<e>`` restricts the entry to one direction.  Paradigm and
regular-expression entries carry no lemma pair and are skipped.

Nothing of such a dictionary ships with the package: it is read at run
time from a path the user gives (Apertium's dictionaries are GPL).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterator, NamedTuple

from ..normalize import fold_word
from ...lang import LANGS

#: ISO 639-3 codes in Apertium file names ("apertium-rus-ukr.rus-ukr.dix").
ISO3 = {"ukr": "uk", "rus": "ru"}
_NAME = re.compile(r"([a-z]{3})-([a-z]{3})\.dix$")


class DixPair(NamedTuple):
    """One entry: a lemma on each side, the part-of-speech tag of each side
    (Apertium's first ``<s>``: "n", "adj", "vblex"…), and the directions it
    may be read in ("LR", "RL" or both)."""

    left: str
    right: str
    left_tag: str
    right_tag: str
    directions: frozenset[str]


def dix_langs(path: Path) -> tuple[str, str]:
    """The languages of a dictionary's left and right sides, from its file
    name: ``….rus-ukr.dix`` is Russian on the left, Ukrainian on the right."""
    found = _NAME.search(Path(path).name)
    langs = tuple(ISO3.get(code) for code in found.groups()) if found else ()
    if len(langs) != 2 or set(langs) != set(LANGS):
        raise ValueError(f"cannot tell the languages of {path} from its name: "
                         "name the language of its left side (left='ru' or left='uk')")
    return langs  # type: ignore[return-value]


def _text(element: ET.Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag == "b":
            parts.append(" ")
        elif child.tag == "g":
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _side(element: ET.Element) -> tuple[str, str]:
    """A side's lemma (blanks as spaces, folded) and its first tag."""
    tag = element.find("s")
    return fold_word(" ".join(_text(element).split())), "" if tag is None else tag.get("n", "")


def read_dix(path: Path) -> Iterator[DixPair]:
    """Every lemma pair of a bilingual ``.dix``, streamed with iterparse."""
    both = frozenset({"LR", "RL"})
    for _, element in ET.iterparse(str(path), events=("end",)):
        if element.tag != "e":
            continue
        restrict = element.get("r")
        directions = frozenset({restrict}) if restrict in both else both
        pair = element.find("p")
        if pair is not None and pair.find("l") is not None and pair.find("r") is not None:
            (left, ltag), (right, rtag) = _side(pair.find("l")), _side(pair.find("r"))
        elif element.find("i") is not None and element.find("re") is None:
            left, ltag = _side(element.find("i"))
            right, rtag = left, ltag
        else:
            element.clear()
            continue
        element.clear()
        if left and right:
            yield DixPair(left, right, ltag, rtag, directions)
