"""The engine and the three baselines behind one small interface, so every
benchmark builds and queries them side by side on the same documents.

A document is ``(id, text, lang)``.  ``search`` returns document ids, best
first.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from whoosh import analysis, fields, index, qparser

WORD = re.compile(r"\w+", re.UNICODE)


class EngineSystem:
    """The engine; ``unit`` says whether a hit is reported as its document
    (a treebank sentence) or as its paragraph id."""

    name = "engine"

    def __init__(self, workdir: Path, unit: str = "doc", **options) -> None:
        from search import Engine

        self.workdir = workdir
        self.unit = unit
        self.engine = Engine.open(workdir / "engine-index")
        #: search options; take_suggestion=True searches a did-you-mean
        #: suggestion in place of a query that has one, as a user who takes it
        self.take_suggestion = options.pop("take_suggestion", False)
        self.options = options

    @classmethod
    def reusing(cls, other: "EngineSystem", **options) -> "EngineSystem":
        """The same built index, searched with other options."""
        system = cls(other.workdir, other.unit, **options)
        return system

    def build(self, docs) -> None:
        src = self.workdir / "engine-src"
        src.mkdir(parents=True, exist_ok=True)
        with (src / "docs.jsonl").open("w", encoding="utf-8") as fh:
            for doc_id, text, lang in docs:
                fh.write(json.dumps({"id": doc_id, "text": text, "lang": lang}, ensure_ascii=False) + "\n")
        self.engine.index([src], rebuild=True)

    def search(self, query: str, k: int) -> list[str]:
        from search import QuerySyntaxError

        try:
            results = self.engine.search(query, limit=k, **self.options)
            if self.take_suggestion and results.suggestions:
                results = self.engine.search(results.suggestions[0], limit=k, **self.options)
        except QuerySyntaxError:
            return []
        return list(dict.fromkeys(getattr(h, self.unit) for h in results))

    def build_from(self, sources: Path) -> None:
        self.engine.index([sources], rebuild=True)


class WhooshSystem:
    """A Whoosh index of the raw text with one analyzer; queries are parsed
    by Whoosh's own parser with OR grouping (more words score higher)."""

    name = "whoosh"

    def __init__(self, workdir: Path, analyzer=None, transform=None) -> None:
        self.dir = Path(tempfile.mkdtemp(dir=workdir, prefix=self.name))
        self.analyzer = analyzer or analysis.StandardAnalyzer()
        self.transform = transform or (lambda text: text)
        self.schema = fields.Schema(id=fields.ID(stored=True), text=fields.TEXT(analyzer=self.analyzer))
        self.ix = None

    def build(self, docs) -> None:
        self.ix = index.create_in(str(self.dir), self.schema)
        writer = self.ix.writer(limitmb=256)
        for doc_id, text, _ in docs:
            writer.add_document(id=doc_id, text=self.transform(text))
        writer.commit()
        self.searcher = self.ix.searcher()
        self.parser = qparser.QueryParser("text", self.ix.schema, group=qparser.OrGroup.factory(0.9))

    def search(self, query: str, k: int) -> list[str]:
        q = self.parser.parse(self.transform(query))
        return [hit["id"] for hit in self.searcher.search(q, limit=k)]


class StemFilter(analysis.Filter):
    """PyStemmer's Snowball Russian stemmer, applied to every token."""

    def __init__(self) -> None:
        self._stemmer = None

    def __getstate__(self):  # the schema is pickled; the C stemmer cannot be
        return {"_stemmer": None}

    def __call__(self, tokens):
        if self._stemmer is None:
            import Stemmer

            self._stemmer = Stemmer.Stemmer("russian")
        for t in tokens:
            t.text = self._stemmer.stemWord(t.text)
            yield t


def snowball(workdir: Path) -> WhooshSystem:
    system = WhooshSystem(workdir, analysis.RegexTokenizer() | analysis.LowercaseFilter() | StemFilter())
    system.name = "snowball"
    return system


class NaiveLemmas:
    """What users write by hand: pymorphy3's top-scored lemma of every \\w+
    token, the dictionary chosen by the word's letters, no normalization, no
    ambiguity.  Every token is analysed afresh."""

    def __init__(self) -> None:
        import pymorphy3

        self.morph = {"uk": pymorphy3.MorphAnalyzer(lang="uk"), "ru": pymorphy3.MorphAnalyzer(lang="ru")}

    def lemma(self, word: str) -> str:
        lang = "uk" if set(word.lower()) & set("іїєґ") else "ru"
        return self.morph[lang].parse(word)[0].normal_form

    def __call__(self, text: str) -> str:
        return " ".join(self.lemma(w) for w in WORD.findall(text))


def naive(workdir: Path) -> WhooshSystem:
    system = WhooshSystem(workdir, analysis.SpaceSeparatedTokenizer() | analysis.LowercaseFilter(),
                          transform=NaiveLemmas())
    system.name = "naive"
    return system


def baselines(workdir: Path) -> list:
    return [WhooshSystem(workdir), snowball(workdir), naive(workdir)]


def all_systems(workdir: Path) -> list:
    return [EngineSystem(workdir)] + baselines(workdir)
