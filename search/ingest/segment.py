"""Split a document's plain text into paragraphs that know their place.

A document is a sequence of blank-line separated blocks.  A block is either a
heading (a part such as the Convention or a Protocol, a section such as
"II. Захист жертв торгівлі людьми", an article "Стаття 6" with its title,
"Преамбула", a Markdown ``#`` heading), a footnote, or a body paragraph whose
leading markers ("1.", "a)", "i)", "a.") say where it stands in the article.
The segmenter keeps the current part, section, article and numbering as
state and stamps each block with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterator, Optional

from ..lang import CLOSING_WORDS, HEADING_WORDS, SUPPLEMENTS
from .markup import FOOTNOTE_OPEN, FOOTNOTE_REF

def _words(kind: str) -> str:
    """The heading words of a kind as written in titles and in capitals
    (not in lower case: "стаття 5 цієї Конвенції…" opens a sentence)."""
    return "|".join(w for word in HEADING_WORDS[kind] for w in (word, word.upper()))


# Headings: the words that open them are data (search.lang).
_PART = re.compile(rf"^({_words('part')})$")
_PART_NAMED = re.compile(rf"^({_words('part')})\s+(\S.*)$")
_ARTICLE = re.compile(rf"^({_words('article')})\s+([0-9IVXЗзОO]+[0-9а-яА-Яa-z\-]*)\.?\s*(.*)$")
_PREAMBLE = re.compile(rf"^({_words('preamble')})$")
_SECTION = re.compile(rf"^(?:[IVXІ]{{1,5}}\.|(?:{_words('section')})\s+\S+\.?)\s+\S")
#: "Розділ II" alone on its line, its title (if any) on the lines after it.
_SECTION_WORD = re.compile(rf"^(?:{_words('section')})\s+[0-9IVXІ]+\.?$")
_CLOSING = re.compile(rf"^({'|'.join(CLOSING_WORDS)})\b", re.I)
_SUPPLEMENTS = re.compile(rf",?\s+(?:{'|'.join(SUPPLEMENTS)})\b", re.I)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")
# Leading markers of a body paragraph, outermost first.
_NUMBER = re.compile(r"^(\d{1,3})\.\s+")
_LETTER = re.compile(r"^\(?([a-zа-яєіїґ])\)\s*")
_ROMAN = re.compile(r"^\(?([ivx]{1,6})\)\s*")
_LETTER_DOT = re.compile(r"^([a-z])\.\s+")
# Letters that scraped sources write for digits in article numbers.
_DIGIT_LOOKALIKES = str.maketrans({"З": "3", "з": "3", "О": "0", "O": "0"})
_ROMAN_AFTER_LETTER = {"i": "h", "v": "u", "x": "w"}


@dataclass(frozen=True)
class Block:
    """A paragraph before its language and citation are known."""

    text: str
    kind: str = "body"
    part: str = ""
    section: str = ""
    article: str = ""
    article_title: str = ""
    number: str = ""
    letter: str = ""
    roman: str = ""
    sub: str = ""
    footnote: str = ""
    footnotes: tuple[str, ...] = ()

    @property
    def paragraph(self) -> str:
        """The paragraph label as lawyers write it: ``1 (a)(i)``."""
        inner = "".join(f"({x})" for x in (self.letter, self.roman, self.sub) if x)
        return " ".join(x for x in (self.number, inner) if x)


@dataclass
class _State:
    part: str = ""
    section: str = ""
    article: str = ""
    article_title: str = ""
    preamble: bool = False
    number: str = ""
    letter: str = ""
    roman: str = ""
    sub: str = ""
    doc_title: str = ""
    #: Whether a heading has been met: what comes before one is front matter.
    started: bool = False

    def reset_numbering(self) -> None:
        self.number = self.letter = self.roman = self.sub = ""


def blocks(text: str) -> list[list[str]]:
    """Groups of stripped, non-empty lines: separated by blank lines, and
    also before a line that opens an article or a numbered or lettered
    paragraph.  A text with no blank line at all (one paragraph a line, as
    copied from many portals and editors) is a group per line."""
    lines = [raw.strip() for raw in text.split("\n")]
    content = [line for line in lines if line]
    if len(content) > 2 and len(content) == len(lines) - (lines[-1] == ""):
        return [[line] for line in content]
    groups: list[list[str]] = []
    current: list[str] = []
    for line in lines + [""]:
        if line and current and _opens_block(line):
            groups.append(current)
            current = []
        if line:
            current.append(line)
        elif current:
            groups.append(current)
            current = []
    return groups


def _opens_block(line: str) -> bool:
    return bool(_ARTICLE.match(line) or _NUMBER.match(line) or _LETTER.match(line) or _ROMAN.match(line))


def segment(text: str) -> tuple[str, list[Block]]:
    """The document's title and its blocks in order."""
    state = _State()
    out: list[Block] = []
    for lines in blocks(text):
        out.extend(_block(lines, state))
    return state.doc_title, out


def _block(lines: list[str], st: _State) -> Iterator[Block]:
    first = lines[0]
    md = _MD_HEADING.match(first)
    if md:
        yield from _markdown_heading(len(md.group(1)), md.group(2), lines[1:], st)
        return
    if _PART.match(first) and len(lines) > 1:
        _open_part(first, " ".join(lines[1:]), st)
        yield _stamp(st, "\n".join(lines), "heading")
        return
    heading = _heading(first, lines[1:], st)
    if heading is not None:
        yield heading
        return
    if first.startswith(FOOTNOTE_OPEN):
        ref = FOOTNOTE_REF.match(first)
        if ref:
            body = "\n".join([first[ref.end():].strip()] + lines[1:])
            # A footnote stands outside the numbering of the text around it.
            yield replace(_stamp(st, body, "footnote"), footnote=ref.group(1), number="", letter="", roman="", sub="")
            return
    if _CLOSING.match(first) and st.part:
        # "In witness whereof…" closes the instrument, not its last article.
        st.article = st.article_title = st.section = ""
        st.reset_numbering()
        yield _stamp(st, "\n".join(lines), "closing")
        return
    yield from _body("\n".join(lines), st)


def _heading(first: str, rest: list[str], st: _State) -> Optional[Block]:
    """An article, preamble or section heading, with the state it opens;
    None for any other block."""
    art = _ARTICLE.match(first)
    if art:
        st.article = art.group(2).translate(_DIGIT_LOOKALIKES)
        st.article_title = " ".join([art.group(3)] + rest).strip()
        st.preamble = False
        st.reset_numbering()
        return _stamp(st, "\n".join([first] + rest), "heading")
    if _PREAMBLE.match(first) and not rest:
        st.preamble = True
        st.article = st.article_title = st.section = ""
        st.reset_numbering()
        return _stamp(st, first, "heading")
    if (_SECTION.match(first) and not rest and len(first) < 160) or _SECTION_WORD.match(first):
        st.section = " ".join([first] + rest)
        st.preamble = False
        st.article = st.article_title = ""
        st.reset_numbering()
        return _stamp(st, "\n".join([first] + rest), "heading")
    return None


def _markdown_heading(level: int, title: str, rest: list[str], st: _State) -> Iterator[Block]:
    """A Markdown (or HTML) heading is the structure it names ("Стаття 2.
    Видача" is article 2); one that names none is a part at levels 1–2 and
    a section below."""
    named = _PART_NAMED.match(title)
    heading = None if named else _heading(title, [], st)
    if heading is not None:
        yield heading
    elif named:
        _open_part(named.group(1), named.group(2), st)
        yield _stamp(st, title, "heading")
    elif level <= 2:
        _open_part(title, "", st)
        yield _stamp(st, title, "heading")
    else:
        st.section = title
        st.article = st.article_title = ""
        st.reset_numbering()
        yield _stamp(st, title, "heading")
    if rest:
        yield from _body("\n".join(rest), st)


def _open_part(word: str, subtitle: str, st: _State) -> None:
    """A new part: the Convention, a Protocol, a decision."""
    name = word[:1].upper() + word[1:].lower() if word.isupper() else word
    full = f"{name} {subtitle}".strip()
    # "Протокол проти …, що доповнює Конвенцію …" is cited by its name up to
    # what it supplements; a subtitle that starts a new sentence
    # ("Організації …") is not part of the short name.
    short = name
    if subtitle and subtitle[0].islower():
        short = f"{name} {_SUPPLEMENTS.split(subtitle, maxsplit=1)[0]}".strip().rstrip(",")
    st.part = short
    st.section = st.article = st.article_title = ""
    st.preamble = False
    st.reset_numbering()
    if not st.doc_title:
        st.doc_title = full


def _body(text: str, st: _State) -> Iterator[Block]:
    rest = text
    marked = False
    while True:
        m = _NUMBER.match(rest)
        if m:
            st.reset_numbering()
            st.number = m.group(1)
            rest, marked = rest[m.end():], True
            continue
        m = _ROMAN.match(rest)
        if m and not _is_letter(m.group(1), st):
            st.roman, st.sub = m.group(1), ""
            rest, marked = rest[m.end():], True
            continue
        m = _LETTER.match(rest)
        if m:
            st.letter, st.roman, st.sub = m.group(1), "", ""
            rest, marked = rest[m.end():], True
            continue
        m = _LETTER_DOT.match(rest)
        if m and st.roman:
            st.sub = m.group(1)
            rest, marked = rest[m.end():], True
            continue
        break
    if not marked:
        # An unmarked paragraph belongs to the numbered paragraph around it,
        # not to the last lettered item.
        st.letter = st.roman = st.sub = ""
    refs = tuple(dict.fromkeys(FOOTNOTE_REF.findall(text)))
    clean = FOOTNOTE_REF.sub("", text)
    kind = "preamble" if st.preamble else ("front" if not (st.part or st.started) else "body")
    yield replace(_stamp(st, clean, kind), footnotes=refs)


def _is_letter(token: str, st: _State) -> bool:
    """``i)`` after ``h)`` is the letter i, otherwise a roman numeral."""
    return len(token) == 1 and _ROMAN_AFTER_LETTER.get(token) == st.letter


def _stamp(st: _State, text: str, kind: str) -> Block:
    if kind == "heading":
        st.started = True
    return Block(
        text=text, kind=kind, part=st.part,
        section=st.section, article=st.article, article_title=st.article_title,
        number=st.number, letter=st.letter, roman=st.roman, sub=st.sub,
    )
