"""Speed and memory, the engine beside plain Whoosh and the naive approach.

    python benchmarks/speed.py                 # a 1M-token slice of the law corpus
    python benchmarks/speed.py --tokens 3000000
    python benchmarks/speed.py --full          # the whole 23M-word law corpus (long)

The slice is converted to the engine's JSON Lines source shape (one record
per act: title and provisions, split into many files).  Every build runs in
its own process, so wall time and peak memory are that build's alone.
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = ROOT.parent / "shared" / "data" / "corpus"
PARTS = sorted(DATA.glob("uk_laws-part0*.jsonl.xz"))
WORD = re.compile(r"\w+")
FILES = 24  # sources the slice is split into, so one can change
CHUNK = 20  # provisions per record: big codes become many records, spread over the files


# -- corpus --------------------------------------------------------------------

def act_text(record: dict) -> str:
    provisions = record.get("provisions") or []
    return "\n\n".join(f"{p.get('title') or ''}\n{p.get('content') or ''}".strip() for p in provisions)


def prepare(target: Path, tokens: int | None) -> tuple[int, int]:
    """Write acts as JSON Lines files until ``tokens`` words (all if None)."""
    target.mkdir(parents=True)
    outs = [(target / f"laws-{i:02d}.jsonl").open("w", encoding="utf-8") for i in range(FILES)]
    count = acts = 0
    try:
        for part in PARTS:
            with lzma.open(part, "rt", encoding="utf-8") as fh:
                for line in fh:
                    record = json.loads(line)
                    provisions = record.get("provisions") or []
                    for start in range(0, len(provisions), CHUNK):
                        text = act_text({"provisions": provisions[start:start + CHUNK]})
                        if not text:
                            continue
                        outs[acts % FILES].write(json.dumps(
                            {"id": f"{record['id']}#{start // CHUNK}", "title": record.get("title", ""),
                             "text": text, "lang": "uk"}, ensure_ascii=False) + "\n")
                        acts += 1
                        count += len(WORD.findall(text))
                        if tokens and count >= tokens:
                            return count, acts
    finally:
        for out in outs:
            out.close()
    return count, acts


def paragraphs(src: Path):
    """(id, text) of every blank-line paragraph: what the baselines index."""
    for path in sorted(src.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                record = json.loads(line)
                for n, para in enumerate(record["text"].split("\n\n")):
                    if para.strip():
                        yield f"{record['id']}:{n}", para


# -- child processes -------------------------------------------------------------

#: Runs a command and prints the peak resident memory (KB) of the largest of
#: its processes, so that each measured run reports its own peak.
PEAK = ("import resource, subprocess, sys; rc = subprocess.run(sys.argv[1:]).returncode; "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(rc)")


def run_child(args: list[str]) -> tuple[float, int, str]:
    """Run a command; its wall time, peak resident memory (KB) and stdout."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", PEAK, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 5):
        raise SystemExit(f"{' '.join(args[:4])}… failed ({proc.returncode}): {err[-500:]}")
    return wall, int(err.strip().splitlines()[-1]), out


def build_plain(src: Path, ix: Path) -> None:
    from whoosh import analysis, fields, index

    schema = fields.Schema(id=fields.ID(stored=True), text=fields.TEXT(analyzer=analysis.StandardAnalyzer(), stored=True))
    ix.mkdir(parents=True)
    writer = index.create_in(str(ix), schema).writer(limitmb=256)
    for pid, text in paragraphs(src):
        writer.add_document(id=pid, text=text)
    writer.commit()


def build_naive(src: Path, ix: Path) -> None:
    """pymorphy3's top lemma of every token, analysed afresh each time."""
    import pymorphy3
    from whoosh import analysis, fields, index

    morph = {"uk": pymorphy3.MorphAnalyzer(lang="uk"), "ru": pymorphy3.MorphAnalyzer(lang="ru")}
    schema = fields.Schema(id=fields.ID(stored=True), text=fields.STORED,
                           lemmas=fields.TEXT(analyzer=analysis.SpaceSeparatedTokenizer()))
    ix.mkdir(parents=True)
    writer = index.create_in(str(ix), schema).writer(limitmb=256)
    for pid, text in paragraphs(src):
        words = WORD.findall(text)
        lemmas = [morph["uk" if set(w.lower()) & set("іїєґ") else "ru"].parse(w)[0].normal_form for w in words]
        writer.add_document(id=pid, text=text, lemmas=" ".join(lemmas))
    writer.commit()


def child(kind: str, src: str, ix: str) -> None:
    {"plain": build_plain, "naive": build_naive}[kind](Path(src), Path(ix))


def timed_build(kind: str, src: Path, ix: Path) -> tuple[float, int]:
    if kind == "engine":
        wall, rss, _ = run_child([sys.executable, "-m", "search", "index", str(src), "--index", str(ix), "--quiet"])
    else:
        wall, rss, _ = run_child([sys.executable, __file__, "--child", kind, str(src), str(ix)])
    return wall, rss


# -- queries -------------------------------------------------------------------

def sample_queries(src: Path, n: int, rng: random.Random) -> list[str]:
    words = [w for _, text in paragraphs(src) for w in WORD.findall(text.lower())
             if len(w) > 4 and not w.isdigit()]
    rng.shuffle(words)
    words = words[: 4 * n]
    queries = []
    for i in range(n):
        a, b = words[2 * i], words[2 * i + 1]
        kind = i % 4
        queries.append([a, f"{a} {b}", f'"{a} {b}"', f"{a} lang:uk"][kind])
    return queries


def percentiles(times: list[float]) -> tuple[float, float, float]:
    ordered = sorted(times)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return pick(0.50), pick(0.95), pick(0.99)


def latency_engine(ix: Path, queries: list[str]) -> list[float]:
    from search import Engine

    out = []
    with Engine.open(ix) as engine:
        for q in queries[:20]:
            engine.search(q)  # warm up
        for q in queries:
            started = time.perf_counter()
            engine.search(q, limit=10)
            out.append(time.perf_counter() - started)
    return out


def latency_plain(ix: Path, queries: list[str]) -> list[float]:
    from whoosh import index, qparser

    out = []
    whoosh_ix = index.open_dir(str(ix))
    with whoosh_ix.searcher() as searcher:
        parser = qparser.QueryParser("text", whoosh_ix.schema)
        for q in queries[:20]:
            searcher.search(parser.parse(q.replace(" lang:uk", "")), limit=10)
        for q in queries:
            started = time.perf_counter()
            hits = searcher.search(parser.parse(q.replace(" lang:uk", "")), limit=10)
            [h["id"] for h in hits]
            out.append(time.perf_counter() - started)
    return out


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


# -- report --------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tokens", type=int, default=1_000_000, help="size of the slice in words")
    parser.add_argument("--full", action="store_true", help="the whole law corpus, engine only")
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        started = time.perf_counter()
        tokens, acts = prepare(tmp / "src", None if args.full else args.tokens)
        print(f"corpus: {tokens:,} words in {acts:,} records, {FILES} JSON Lines files "
              f"({dir_size(tmp / 'src') / 1e6:.1f} MB; prepared in {time.perf_counter() - started:.1f} s)")
        kinds = ["engine"] if args.full else ["plain", "naive", "engine"]
        walls = {}
        print(f"{'index build':<14} {'wall s':>8} {'tokens/s':>10} {'peak MB':>8} {'index MB':>9} {'bytes/token':>11}"
              "   (peak: the largest process; the engine runs a parent and its workers)")
        for kind in kinds:
            wall, rss = timed_build(kind, tmp / "src", tmp / kind)
            walls[kind] = wall
            size = dir_size(tmp / kind)
            print(f"{kind:<14} {wall:>8.1f} {tokens / wall:>10,.0f} {rss / 1024:>8.0f} "
                  f"{size / 1e6:>9.1f} {size / tokens:>11.1f}")
        if not args.full:
            print(f"ratio engine/plain {walls['engine'] / walls['plain']:.2f}; "
                  f"naive/engine {walls['naive'] / walls['engine']:.2f}")
            # an update after one file of many changed
            changed = tmp / "src" / "laws-03.jsonl"
            lines = [line for line in changed.read_text(encoding="utf-8").splitlines() if line]
            changed.write_text("\n".join(lines[1:] + lines[:1]) + "\n", encoding="utf-8")
            wall, _ = timed_build("engine", tmp / "src", tmp / "engine")
            print(f"update after 1 of {FILES} files changed: {wall:.1f} s = {wall / walls['engine']:.1%} of a full build")
        queries = sample_queries(tmp / "src", args.queries, random.Random(7))
        engine_times = latency_engine(tmp / "engine", queries)
        e50, e95, e99 = percentiles(engine_times)
        print(f"query latency over {len(queries)} queries (ms)   p50    p95    p99")
        print(f"  engine                               {e50:6.1f} {e95:6.1f} {e99:6.1f}")
        if not args.full:
            p50, p95, p99 = percentiles(latency_plain(tmp / "plain", queries))
            print(f"  plain Whoosh                         {p50:6.1f} {p95:6.1f} {p99:6.1f}")
            print(f"  ratio engine/plain p95 {e95 / p95:.2f}")
        batch_file = tmp / "batch.tsv"
        batch_file.write_text("\n".join(f"q{i}\t{q}" for i, q in enumerate((queries * 2)[:1000])), encoding="utf-8")
        wall, rss, _ = run_child([sys.executable, "-m", "search", "batch", str(batch_file),
                                  "--index", str(tmp / "engine"), "--out", str(tmp / "run.jsonl")])
        print(f"batch of 1000 queries: {wall:.1f} s = {1000 / wall:.0f} queries/s")
    cold()


def cold() -> None:
    """Cold start on the bundled corpus, from a fresh process each time."""
    env = {**os.environ, "SEARCH_INDEX": str(ROOT / "indexes" / "default")}
    subprocess.run([sys.executable, "-m", "search", "query", "група"], cwd=ROOT, env=env,
                   capture_output=True)  # builds the index once if needed
    search = shutil.which("search") or f"{sys.executable} -m search"
    for label, cmd in (("search query", [*search.split(), "query", "злочинна група"]),
                       ("search --help", [*search.split(), "--help"])):
        times = []
        for _ in range(5):
            started = time.perf_counter()
            subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True)
            times.append(time.perf_counter() - started)
        print(f"cold {label}: median {statistics.median(times):.2f} s over 5 runs")


if __name__ == "__main__":
    main()
