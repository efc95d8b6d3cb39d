"""Did-you-mean speed and memory: the bundled index's vocabulary and a large one.

    python benchmarks/suggest.py                  # bundled index, then 200,000 corpus terms
    python benchmarks/suggest.py --terms 500000

The bundled index is built in a temporary folder; its lemma and form
lexicons with document frequencies are the speller's vocabulary, as the
engine feeds it.  The large vocabulary is the folded words of the Ukrainian
law corpus, then the Russian prose, with document (provision, paragraph)
frequencies, until the number of distinct terms is reached: a corpus of a
few million words.  Misspellings are made by one or two random edits of
frequent terms (a fixed seed).  Memory is what tracemalloc counts while the
speller is built (peak) and what the built speller keeps; times are CPU
time of this process (the machine may be shared), build also wall time.
"""

from __future__ import annotations

import argparse
import gc
import json
import lzma
import random
import re
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "corpus"
CORPORA = sorted(DATA.glob("uk_laws-part0*.jsonl.xz")) + [DATA / "ru_ruslit.jsonl.xz"]
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
EXAMPLES = ["конвенцыя", "злочиная", "ектрадиція", "rjydtywsz", "rjydtywbz", "відмиванння",
            "торговлй", "преступнсти", "протокл", "мигрантов"]


def bundled_vocabulary() -> list[tuple[str, int]]:
    from search import Engine
    from search.index import store

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "index"
        with Engine.open(path) as engine:
            engine.index([ROOT / "sources"])
        ix = store.open_index(path)
        try:
            with ix.reader() as reader:
                return [(term.decode(), reader.doc_frequency(field, term))
                        for field in ("lemma", "form") for term in reader.lexicon(field)]
        finally:
            ix.close()


def corpus_vocabulary(size: int) -> list[tuple[str, int]]:
    counts: Counter = Counter()
    for path in CORPORA:
        with lzma.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                if "provisions" in record:
                    texts = [f"{p.get('title') or ''}\n{p.get('content') or ''}" for p in record["provisions"] or []]
                else:
                    texts = record.get("text", "").split("\n\n")
                for text in texts:
                    counts.update({w.lower().replace("’", "'").replace("ё", "е") for w in WORD.findall(text)})
                if len(counts) >= size:
                    return counts.most_common(size)
    return counts.most_common(size)


def misspell(word: str, rng: random.Random) -> str:
    letters = "абвгдеєжзиіїйклмнопрстуфхцчшщьюя"
    for _ in range(rng.choice((1, 2))):
        i = rng.randrange(len(word))
        op = rng.choice(("delete", "insert", "replace", "swap"))
        if op == "delete" and len(word) > 3:
            word = word[:i] + word[i + 1:]
        elif op == "insert":
            word = word[:i] + rng.choice(letters) + word[i:]
        elif op == "swap" and i + 1 < len(word):
            word = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        else:
            word = word[:i] + rng.choice(letters) + word[i + 1:]
    return word


def measure(name: str, vocabulary: list[tuple[str, int]], words: list[str]) -> None:
    from search.analysis.spelling import Speller

    gc.collect()
    tracemalloc.start()
    speller = Speller(vocabulary)
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del speller
    gc.collect()
    # Times again without tracemalloc; CPU time, as other processes share the machine.
    wall, cpu = time.perf_counter(), time.process_time()
    speller = Speller(vocabulary)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    times = []
    for word in words:
        start = time.process_time()
        speller.suggest(word)
        times.append((time.process_time() - start) * 1000)
    times.sort()
    print(f"{name}: {len(speller):,} terms; build {cpu:.2f} s CPU ({wall:.2f} s wall); memory kept "
          f"{kept / 1e6:.1f} MB, peak while building {peak / 1e6:.1f} MB; suggest, {len(words)} words, "
          f"CPU: mean {statistics.mean(times):.2f} ms, p50 {times[len(times) // 2]:.2f} ms, "
          f"p95 {times[int(len(times) * 0.95)]:.2f} ms, max {times[-1]:.2f} ms")
    for word in EXAMPLES:
        print(f"   {word} → {', '.join(f'{s.term} ({s.how} {s.distance}, {s.frequency})' for s in speller.suggest(word))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--terms", type=int, default=200_000, help="distinct terms of the large vocabulary")
    parser.add_argument("--words", type=int, default=500, help="misspelled words to time")
    args = parser.parse_args()
    rng = random.Random(4)
    small = bundled_vocabulary()
    frequent = [t for t, f in sorted(small, key=lambda tf: -tf[1]) if len(t) > 3 and t.isalpha()][:1000]
    measure("bundled index", small, EXAMPLES + [misspell(rng.choice(frequent), rng) for _ in range(args.words)])
    large = corpus_vocabulary(args.terms)
    frequent = [t for t, _ in large[:20_000] if len(t) > 3]
    measure(f"corpus {args.terms:,}", large, EXAMPLES + [misspell(rng.choice(frequent), rng) for _ in range(args.words)])


if __name__ == "__main__":
    main()
