"""The query language, parsed into a small syntax tree.

::

    query    := sequence (OR sequence)*
    sequence := conj+                     words side by side: all rank above some
    conj     := unary (AND unary)*
    unary    := NOT unary | -atom | atom
    atom     := ( query ) | "phrase" | field:value | word | prefix*

AND, OR and NOT may also be written І/И, АБО/ИЛИ, НЕ (in capitals).  Every
failure raises :class:`~search.errors.QuerySyntaxError` naming the problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from ..analysis.normalize import normalize_text
from ..analysis.tokenize import tokenize
from ..errors import QuerySyntaxError
from ..lang import LABELS, OPERATORS
from ..models import KINDS

FIELDS = ("lang", "doc", "part", "article", "kind")
_EXAMPLES = {"lang": "uk", "doc": "untoc-uk", "part": "протокол", "article": "6", "kind": "footnote"}
#: Fields whose values are a fixed set, told to a user who types another.
CLOSED = {"lang": LABELS, "kind": KINDS}
MAX_QUERY = 2000
#: Parentheses and NOTs nest at most this deep (the parser recurses).
MAX_DEPTH = 32
_OPERATORS = {word: op for op, words in OPERATORS.items() for word in words}
_QUOTES = "\"«»„“”"
_LEX = re.compile(
    rf"(?P<space>\s+)|(?P<open>\()|(?P<close>\))"
    rf"|(?P<phrase>[{_QUOTES}][^{_QUOTES}]*(?:[{_QUOTES}]|$))"
    rf"|(?P<field>[A-Za-z]+):(?:[{_QUOTES}](?P<quoted>[^{_QUOTES}]*)[{_QUOTES}]|(?P<value>[^\s(){_QUOTES}]*))"
    rf"|(?P<word>[^\s(){_QUOTES}]+)"
)


@dataclass(frozen=True)
class Word:
    text: str
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    text: str


@dataclass(frozen=True)
class Filter:
    field: str
    value: str


@dataclass(frozen=True)
class Not:
    child: "Node"


@dataclass(frozen=True)
class And:
    children: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    children: tuple["Node", ...]


@dataclass(frozen=True)
class Seq:
    """Words side by side: any may match, paragraphs with all rank first."""

    children: tuple["Node", ...]


Node = Union[Word, Phrase, Filter, Not, And, Or, Seq]


def _lex(query: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    for m in _LEX.finditer(query):
        kind = m.lastgroup
        if kind == "space":
            continue
        if kind in ("value", "quoted"):
            kind = "field"
        text = m.group()
        if m.group("quoted") is not None:  # part:"торгівля людьми"
            text = f"{m.group('field')}:{m.group('quoted')}"
        if kind == "phrase":
            if len(text) < 2 or text[-1] not in _QUOTES:
                raise QuerySyntaxError(query, "a quote is not closed")
            text = text[1:-1]
        elif kind == "word" and text in _OPERATORS:
            kind = _OPERATORS[text]
        tokens.append((kind, text))
    return tokens


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _lex(query)
        self.i = 0
        self.depth = 0

    def peek(self) -> str:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else "end"

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def fail(self, problem: str):
        raise QuerySyntaxError(self.query, problem)

    def parse(self) -> Node:
        node = self.parse_or()
        if self.peek() == "close":
            self.fail("a ')' has no matching '('")
        if self.peek() != "end":
            self.fail(f"unexpected {self.tokens[self.i][1]!r}")
        return node

    def parse_or(self) -> Node:
        items = [self.parse_seq()]
        while self.peek() == "OR":
            self.take()
            items.append(self.parse_seq())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def parse_seq(self) -> Node:
        items = [self.parse_and()]
        while self.peek() not in ("OR", "close", "end"):
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else Seq(tuple(items))

    def parse_and(self) -> Node:
        items = [self.parse_unary()]
        while self.peek() == "AND":
            self.take()
            items.append(self.parse_unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def deeper(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail(f"parentheses or NOTs nest deeper than {MAX_DEPTH}")

    def parse_unary(self) -> Node:
        kind = self.peek()
        if kind == "NOT":
            self.take()
            self.deeper()
            node = Not(self.parse_unary())
            self.depth -= 1
            return node
        if kind == "word" and self.tokens[self.i][1].startswith("-") and len(self.tokens[self.i][1]) > 1:
            text = self.take()[1][1:]
            return Not(self.word(text))
        return self.parse_atom()

    def parse_atom(self) -> Node:
        kind = self.peek()
        if kind == "end":
            self.fail("the query ends where a word was expected" if self.tokens else "the query is empty")
        if kind in ("AND", "OR"):
            self.fail(f"{self.tokens[self.i][1]} needs a word on each side")
        if kind == "close":
            self.fail("a ')' has no matching '('")
        kind, text = self.take()
        if kind == "open":
            self.deeper()
            node = self.parse_or()
            if self.peek() != "close":
                self.fail("a '(' is not closed")
            self.take()
            self.depth -= 1
            return node
        if kind == "phrase":
            if not text.strip():
                self.fail("the quotes hold no words")
            if re.search(r"\w\*", text):
                self.fail("a prefix* cannot stand inside quotes: write the words out, or leave the quotes off")
            return Phrase(text)
        if kind == "field":
            return self.field(text)
        return self.word(text)

    def field(self, text: str) -> Node:
        name, _, value = text.partition(":")
        name = name.lower()
        if name not in FIELDS:
            self.fail(f"unknown field {name!r}; fields are {', '.join(FIELDS)}")
        value = value.strip()
        if not value:
            self.fail(f"{name}: needs a value, as in {name}:{_EXAMPLES[name]}")
        if name in CLOSED:
            value = value.lower()
            if value not in CLOSED[name]:
                self.fail(f"unknown {name} {value!r}; {name} is one of {', '.join(CLOSED[name])}")
        return Filter(name, value)

    def word(self, text: str) -> Node:
        prefix = text.endswith("*")
        return Word(text.rstrip("*"), prefix=prefix)


def parse(query: str) -> Node:
    """The syntax tree of a query; QuerySyntaxError if it has none."""
    if not isinstance(query, str):
        raise QuerySyntaxError(repr(query), "a query is text")
    text = normalize_text(query).replace("\n", " ").strip()
    if not text:
        raise QuerySyntaxError(query, "the query is empty")
    if len(text) > MAX_QUERY:
        raise QuerySyntaxError(query, f"the query is longer than {MAX_QUERY} characters")
    return _Parser(text).parse()


def words(node: Node, negated: bool = True) -> list[str]:
    """The words of a syntax tree, in order, operators and filters left
    out; without ``negated``, only the words a paragraph should have."""
    if isinstance(node, (Word, Phrase)):
        return [t.text for t in tokenize(node.text)] if not getattr(node, "prefix", False) else []
    if isinstance(node, Not):
        return words(node.child) if negated else []
    if isinstance(node, Filter):
        return []
    return [w for child in node.children for w in words(child, negated)]
