"""Markup and page furniture out, plain lines in.

Markdown and HTML become plain text lines in which headings keep a Markdown
``#`` prefix and footnote references become :data:`FOOTNOTE_OPEN` n
:data:`FOOTNOTE_CLOSE` markers, so the segmenter sees one shape whatever the
source format was.  Lines that belong to a web portal rather than to the
document (banners, "loading document", survey prompts) are dropped here.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import NamedTuple

from ..lang import HEADING_WORDS, PORTAL_BANNERS, PORTAL_BLOCKS, PORTAL_LINES

# Private-use characters: they cannot occur in real text after normalization
# of sources, and they are not word characters, so they never become tokens.
FOOTNOTE_OPEN = "\ue000"
FOOTNOTE_CLOSE = "\ue001"
FOOTNOTE_REF = re.compile(f"{FOOTNOTE_OPEN}([^{FOOTNOTE_CLOSE}]*){FOOTNOTE_CLOSE}")

_SUP = re.compile(r"<sup>\s*([0-9a-z*]{1,4})\s*</sup>|\[\^([0-9a-z*]{1,4})\]", re.I)
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,500}>")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|(?<!\w)\*|(?<!\w)_)(\S(?:.*?\S)?)\1")
_MD_RULE = re.compile(r"^\s*([-*_=])(\s*\1){2,}\s*$")

_BANNER = re.compile("|".join(PORTAL_BANNERS), re.I)
_PORTAL_LINE = re.compile("|".join(PORTAL_LINES), re.I)
_PORTAL_BLOCK = re.compile("|".join(PORTAL_BLOCKS), re.I)
_PART_LINE = re.compile("|".join(w for word in HEADING_WORDS["part"] for w in (word, word.upper())))


def footnote_ref(label: str) -> str:
    return f"{FOOTNOTE_OPEN}{label}{FOOTNOTE_CLOSE}"


class Marked(NamedTuple):
    """A document's plain lines, and the title its markup gives, if any."""

    text: str
    title: str = ""


def plain(text: str) -> Marked:
    return Marked(text)


def strip_markdown(text: str) -> Marked:
    """Markdown (with inline HTML) to plain lines; ``#`` headings are kept."""
    text = _SUP.sub(lambda m: footnote_ref(m.group(1) or m.group(2)), text)
    text = _TAG.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    lines = []
    for line in text.split("\n"):
        if _MD_RULE.match(line):
            lines.append("")
            continue
        lines.append(_MD_EMPHASIS.sub(r"\2", line))
    return Marked(html.unescape("\n".join(lines)))


class _HTMLText(HTMLParser):
    """Collects the text of an HTML page as lines, one per block element."""

    BLOCKS = {"p", "div", "li", "tr", "br", "table", "section", "article",
              "blockquote", "pre", "ul", "ol", "dd", "dt", "hr"}
    SKIP = {"script", "style", "head", "noscript", "template", "nav"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.title: list[str] = []
        self.in_title = False

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.in_title = True
        if tag in self.SKIP:
            self.skip_depth += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif re.fullmatch(r"h[1-6]", tag):
            self.parts.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag == "sup":
            self.parts.append(FOOTNOTE_OPEN)

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if tag in self.SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in self.BLOCKS or re.fullmatch(r"h[1-6]", tag):
            self.parts.append("\n\n")
        elif tag == "sup":
            self.parts.append(FOOTNOTE_CLOSE)

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
        if not self.skip_depth:
            self.parts.append(re.sub(r"\s+", " ", data))


def strip_html(text: str) -> Marked:
    """HTML to plain lines (headings as Markdown ``#`` lines), and the page's
    ``<title>``."""
    parser = _HTMLText()
    parser.feed(text)
    parser.close()
    out = "".join(parser.parts)
    # A <sup> that held no short label was not a footnote reference.
    out = re.sub(f"{FOOTNOTE_OPEN}([^{FOOTNOTE_CLOSE}]{{5,}}|){FOOTNOTE_CLOSE}", r"\1", out)
    title = " ".join("".join(parser.title).split())
    return Marked("\n".join(line.strip() for line in out.split("\n")), title)


def drop_boilerplate(text: str) -> str:
    """Remove what a web portal wraps around a document: a saved page's
    banner and everything after it up to the document's first heading (the
    portal's own title bar, in its own language), the portal's lines, and
    its blocks of links to other documents."""
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and _BANNER.fullmatch(lines[first].strip()):
        start = next((i for i in range(first, len(lines)) if _PART_LINE.fullmatch(lines[i].strip())), None)
        if start is not None:
            lines = lines[start:]
    kept, skipping = [], False
    for line in lines:
        stripped = line.strip()
        # A block of links runs to the next blank line.
        skipping = bool(stripped) and (skipping or bool(_PORTAL_BLOCK.fullmatch(stripped)))
        if not skipping and not _PORTAL_LINE.fullmatch(stripped):
            kept.append(line)
    return "\n".join(kept)
