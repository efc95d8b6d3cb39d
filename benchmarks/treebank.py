"""Read CoNLL-U treebanks (plain or .xz) from ../shared/data into sentences."""

from __future__ import annotations

import lzma
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
CONTENT = {"NOUN", "PROPN", "ADJ", "VERB", "ADV"}

SETS = {
    "uk": ["ud/uk_iu-ud-dev.conllu", "ud/uk_iu-ud-test.conllu",
           "ud/uk_parlamint-ud-dev.conllu", "ud/uk_parlamint-ud-test.conllu"],
    "ru": ["ud/ru_gsd-ud-dev.conllu", "ud/ru_gsd-ud-test.conllu", "ud/ru_taiga-ud-dev.conllu",
           "ud/ru_taiga-ud-test.conllu", "ud/ru_poetry-ud-dev.conllu", "ud/ru_poetry-ud-test.conllu",
           "ud/ru_pud-ud-test.conllu"],
    "bruk": ["bruk/uk_bruk-disambig.conllu.xz"],
}
LANG = {"uk": "uk", "ru": "ru", "bruk": "uk"}


@dataclass(frozen=True)
class Token:
    form: str
    lemma: str
    upos: str
    space_after: bool
    feats: str = "_"


@dataclass(frozen=True)
class Sentence:
    id: str
    text: str
    tokens: tuple[Token, ...]


def _open(path: Path):
    if path.suffix == ".xz":
        return lzma.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def read(path: Path) -> list[Sentence]:
    out: list[Sentence] = []
    sid, text, tokens = "", "", []

    def flush():
        if tokens:
            joined = text or "".join(t.form + (" " if t.space_after else "") for t in tokens).strip()
            # ids are made unique across files: dev and test may share them
            out.append(Sentence(f"{path.stem}:{sid or len(out)}", joined, tuple(tokens)))

    with _open(path) as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line:
                flush()
                sid, text, tokens = "", "", []
            elif line.startswith("# sent_id"):
                sid = line.split("=", 1)[1].strip()
            elif line.startswith("# text ="):
                text = line.split("=", 1)[1].strip()
            elif not line.startswith("#"):
                cols = line.split("\t")
                if len(cols) == 10 and cols[0].isdigit():
                    if cols[2] == "_" and cols[1] != "_":
                        continue  # no lemma annotated
                    tokens.append(Token(cols[1], cols[2], cols[3], "SpaceAfter=No" not in cols[9], cols[5]))
        flush()
    return out


def load(name: str) -> list[Sentence]:
    return [s for rel in SETS[name] for s in read(DATA / rel)]
