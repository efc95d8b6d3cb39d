"""The bilingual lexicon against Apertium's Russian–Ukrainian dictionary.

    python benchmarks/lexicon.py                    # ../shared/data/bilingual/…
    python benchmarks/lexicon.py --dix PATH --sample 100 --seed 3

Apertium's dictionary (GPL) is read from its path at run time only; nothing
of it is stored.  Definitions:

* A: every one-word pair (uk, ru) of the dictionary, any part of speech,
  either direction.
* Gold G: the pairs of A tagged noun, adjective or verb on both sides whose
  two lemmas their pymorphy3 dictionaries both have as lemmas of that part
  of speech (standard words: names and variants the dictionary marks as
  non-standard are not counted).
* Project pairs P (uk→ru): (u, r) for each Ukrainian lemma u of G and each
  one-word equivalent r the lexicon gives u.  ru→uk likewise from G's
  Russian lemmas.
* precision = |P ∩ A| / |P|.  A pair counts as right when Apertium lists
  it anywhere, so a right translation Apertium lacks counts as wrong: the
  sample printed last is there to read those.  "uk-listed precision" counts
  only the pairs whose Ukrainian lemma Apertium has an entry for: the same
  as precision for uk→ru; for ru→uk it leaves out the Ukrainian words
  Apertium never lists (the Ukrainian dictionary has many, Russianisms
  among them).
* recall = |P ∩ G| / |G|; lemma recall = the share of G's lemmas that get
  at least one of their gold translations.

Each figure is given for the whole lexicon (curated lists + cognates) and
for each source alone (legal, general, cognate).  Speed: cognate derivation per lemma with cold caches.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from search.analysis.lexicon import Lexicon  # noqa: E402
from search.analysis.lexicon import cognates as cognate_module  # noqa: E402
from search.analysis.lexicon.dix import dix_langs, read_dix  # noqa: E402

DIX = (Path(__file__).resolve().parents[2] / "shared" / "data" / "bilingual"
       / "apertium-rus-ukr.rus-ukr.dix")
#: Apertium's part-of-speech tags and the lexicon's coarse ones.
TAGS = {"n": "noun", "adj": "adj", "vblex": "verb"}
SOURCES = ("all", "legal", "general", "cognate")


def reference(path: Path) -> tuple[set, set]:
    """A (every one-word pair) and G (the gold pairs), as (uk, ru)."""
    langs = dix_langs(path)
    every, gold = set(), set()
    for pair in read_dix(path):
        sides = dict(zip(langs, (pair.left, pair.right)))
        tags = dict(zip(langs, (pair.left_tag, pair.right_tag)))
        uk, ru = sides["uk"], sides["ru"]
        if " " in uk or " " in ru:
            continue
        every.add((uk, ru))
        pos = TAGS.get(tags["uk"])
        if (pos and TAGS.get(tags["ru"]) == pos and pos in cognate_module.lemma_pos(uk, "uk")
                and pos in cognate_module.lemma_pos(ru, "ru")):
            gold.add((uk, ru))
    return every, gold


def project_pairs(lexicon: Lexicon, lemmas: set[str], lang: str) -> dict[tuple[str, str], str]:
    """(uk, ru) → source of every one-word equivalent of ``lemmas``."""
    out = {}
    for lemma in sorted(lemmas):
        for e in lexicon.equivalents(lemma, lang):
            out.setdefault((lemma, e.lemma) if lang == "uk" else (e.lemma, lemma), e.source)
    return out


def scores(found: dict, every: set, gold: set, side: int) -> None:
    listed = {uk for uk, _ in every}
    heads = {p[side] for p in gold}
    for source in SOURCES:
        pairs = {p for p, s in found.items() if source in ("all", s)}
        right, hits = pairs & every, pairs & gold
        known = {p for p in pairs if p[0] in listed}
        print(f"  {source:8} pairs {len(pairs):5}  precision {len(right) / max(len(pairs), 1):.3f}"
              f"  uk-listed precision {len(right) / max(len(known), 1):.3f}"
              f"  recall {len(hits) / len(gold):.3f}"
              f"  lemma recall {len({p[side] for p in hits}) / len(heads):.3f}")


def speed(lemmas: list[str], lang: str) -> tuple[float, float, float]:
    """Mean, 99th percentile and slowest milliseconds of one cognate
    look-up, caches cold."""
    for cached in (cognate_module.cognates, cognate_module._one_way, cognate_module.lemma_pos):
        cached.cache_clear()
    times = []
    for lemma in lemmas:
        start = time.perf_counter()
        cognate_module.cognates(lemma, lang)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return sum(times) / len(times), times[len(times) * 99 // 100], times[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dix", type=Path, default=DIX, help="an Apertium rus-ukr bilingual .dix")
    parser.add_argument("--sample", type=int, default=100, help="project pairs Apertium lacks to print")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()

    every, gold = reference(args.dix)
    uk_lemmas, ru_lemmas = {u for u, _ in gold}, {r for _, r in gold}
    print(f"Apertium: {len(every)} one-word pairs; gold (noun/adj/verb, both lemmas known): "
          f"{len(gold)} pairs, {len(uk_lemmas)} uk lemmas, {len(ru_lemmas)} ru lemmas")

    lexicon = Lexicon()
    start = time.perf_counter()
    lexicon.equivalents("злочин", "uk")
    print(f"curated list loaded in {(time.perf_counter() - start) * 1000:.0f} ms")
    forward = project_pairs(lexicon, uk_lemmas, "uk")
    backward = project_pairs(lexicon, ru_lemmas, "ru")
    print("uk → ru (pairs of gold Ukrainian lemmas):")
    scores(forward, every, gold, 0)
    print("ru → uk (pairs of gold Russian lemmas):")
    scores(backward, every, gold, 1)

    for lang, lemmas in (("uk", uk_lemmas), ("ru", ru_lemmas)):
        mean, p99, worst = speed(sorted(lemmas)[:2000], lang)
        print(f"cognates of a {lang} lemma, cold: {mean:.2f} ms on average, {p99:.1f} ms at "
              f"the 99th percentile, {worst:.1f} ms at most")

    missing = sorted(p for p in forward if p not in every)
    random.Random(args.seed).shuffle(missing)
    print(f"\n{min(args.sample, len(missing))} of the {len(missing)} uk → ru project pairs "
          f"Apertium lacks (seed {args.seed}):")
    for uk, ru in sorted(missing[:args.sample], key=lambda p: (forward[p], p)):
        print(f"  {forward[(uk, ru)]:8} {uk} → {ru}")


if __name__ == "__main__":
    main()
