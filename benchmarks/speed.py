"""Speed and memory, the engine beside plain Whoosh and the naive approach.

    python benchmarks/speed.py                 # a 1M-word slice of the law corpus
    python benchmarks/speed.py --tokens 3000000
    python benchmarks/speed.py --full          # the whole 23M-word law corpus (long)

The slice is converted to the engine's JSON Lines source shape (records of
up to 20 provisions of an act) and written three ways: as 24 files, as 12
and as one file.  Every build and every command runs in a process of its
own, so wall time is that run's alone, and peak memory is the largest sum
of the resident memory of its whole process tree (the engine's parent and
its workers together), sampled every 50 ms.  Plain Whoosh indexes the same
paragraphs with its StandardAnalyzer; naive is pymorphy3's first lemma of
every token, analysed afresh, into Whoosh.  With --full the naive build
(about half an hour) is left out.  The machine's other load makes every
figure noisy: ratios are of runs made side by side in this one run.
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
#: What the research commands are timed on, cold, on the engine's index.
KWIC_TERM = "органів державної влади"
STATS_TERM = "закон"
COLD_RUNS = 3


# -- corpus --------------------------------------------------------------------

def act_text(record: dict) -> str:
    provisions = record.get("provisions") or []
    return "\n\n".join(f"{p.get('title') or ''}\n{p.get('content') or ''}".strip() for p in provisions)


def prepare(target: Path, tokens: int | None, layouts: tuple[int, ...] = (FILES,)) -> tuple[int, int]:
    """Write acts as JSON Lines records until ``tokens`` words (all if
    None), once for each layout: ``target/<n>/`` holds the same records in
    n files (``laws-00.jsonl``…)."""
    outs = {}
    for n in layouts:
        (target / str(n)).mkdir(parents=True)
        outs[n] = [(target / str(n) / f"laws-{i:02d}.jsonl").open("w", encoding="utf-8") for i in range(n)]
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
                        row = json.dumps({"id": f"{record['id']}#{start // CHUNK}", "title": record.get("title", ""),
                                          "text": text, "lang": "uk"}, ensure_ascii=False) + "\n"
                        for n, files in outs.items():
                            files[acts % n].write(row)
                        acts += 1
                        count += len(WORD.findall(text))
                        if tokens and count >= tokens:
                            return count, acts
    finally:
        for files in outs.values():
            for out in files:
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


# -- running and measuring -----------------------------------------------------

def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    parent = int(fh.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            pass
        todo += children.get(p, [])
    return total


def run(args: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """Run a command; (wall seconds, peak MB of its process tree, stdout)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, stdout=out, stderr=err, env=env)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.05)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if proc.returncode not in (0, 5):
            raise SystemExit(f"{' '.join(map(str, args[:5]))}… failed ({proc.returncode}): {err.read()[-800:]!r}")
        return wall, peak / 2**20, out.read().decode("utf-8")


def search_cli(*args) -> list[str]:
    return [sys.executable, "-m", "search", *map(str, args)]


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


def build_engine(src: Path, ix: Path, clock: Path) -> None:
    """The engine's build through its API, noting when the first progress
    line came (the CLI shows the same lines on a terminal)."""
    from search import Engine

    started = time.perf_counter()
    first = []
    with Engine.open(ix) as engine:
        engine.index([src], progress=lambda line: first or first.append(time.perf_counter() - started))
    clock.write_text(json.dumps({"first_progress": first[0] if first else None}))


def child(kind: str, *args: str) -> None:
    if kind == "plain":
        build_plain(Path(args[0]), Path(args[1]))
    elif kind == "naive":
        build_naive(Path(args[0]), Path(args[1]))
    elif kind == "engine":
        build_engine(Path(args[0]), Path(args[1]), Path(args[2]))
    elif kind == "plain-query":
        from whoosh import index, qparser

        ix = index.open_dir(args[0])
        with ix.searcher() as searcher:
            hits = searcher.search(qparser.QueryParser("text", ix.schema).parse(args[1]), limit=10)
            print("\n".join(h["id"] for h in hits))
    elif kind == "plain-batch":
        from whoosh import index, qparser

        ix = index.open_dir(args[0])
        queries = Path(args[1]).read_text(encoding="utf-8").splitlines()
        with ix.searcher() as searcher:
            parser = qparser.QueryParser("text", ix.schema)
            for q in queries:
                [h["id"] for h in searcher.search(parser.parse(q.split("\t", 1)[1].replace(" lang:uk", "")), limit=10)]


def timed_build(kind: str, src: Path, ix: Path, tmp: Path) -> dict:
    clock = tmp / f"clock-{ix.name}.json"
    wall, peak, _ = run([sys.executable, __file__, "--child", kind, str(src), str(ix), str(clock)])
    found = {"wall": wall, "peak": peak, "size": dir_size(ix)}
    if clock.exists():
        found.update(json.loads(clock.read_text()))
    return found


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


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


def cold(args: list[str]) -> tuple[float, float]:
    """Median wall seconds and peak MB of a command run COLD_RUNS times,
    each in a fresh process."""
    runs = [run(args)[:2] for _ in range(COLD_RUNS)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


# -- report --------------------------------------------------------------------

def builds(tmp: Path, tokens: int, full: bool) -> dict:
    rows = [("plain", "24 files", FILES), ("engine", "24 files", FILES), ("plain", "one file", 1),
            ("engine", "one file", 1), ("engine", "12 files", 12)]
    if not full:
        rows.insert(1, ("naive", "24 files", FILES))
    print(f"{'index build':<24} {'wall s':>7} {'words/s':>9} {'peak MB':>8} {'index MB':>9} {'bytes/word':>10}"
          "   (peak: the whole process tree)")
    found = {}
    for kind, layout, n in rows:
        r = found[(kind, n)] = timed_build(kind, tmp / "src" / str(n), tmp / f"{kind}-{n}", tmp)
        note = f"   first progress after {r['first_progress']:.1f} s" if r.get("first_progress") is not None else ""
        print(f"{kind + ', ' + layout:<24} {r['wall']:>7.1f} {tokens / r['wall']:>9,.0f} {r['peak']:>8.0f} "
              f"{r['size'] / 1e6:>9.1f} {r['size'] / tokens:>10.1f}{note}")
    ratio = lambda a, b: found[a]["wall"] / found[b]["wall"]  # noqa: E731
    print(f"engine / plain Whoosh: {ratio(('engine', FILES), ('plain', FILES)):.2f} as 24 files, "
          f"{ratio(('engine', 1), ('plain', 1)):.2f} as one file (target ≤ 1.0)")
    if not full:
        print(f"naive / engine: {ratio(('naive', FILES), ('engine', FILES)):.2f} (target ≥ 2.5)")
    print(f"engine, one file / 12 files: {ratio(('engine', 1), ('engine', 12)):.2f} (target ≤ 1.2); "
          f"peak {found[('engine', 1)]['peak']:.0f} MB of the default --memory 1024")
    return found


def update(tmp: Path, found: dict) -> None:
    changed = tmp / "src" / str(FILES) / "laws-03.jsonl"
    lines = [line for line in changed.read_text(encoding="utf-8").splitlines() if line]
    changed.write_text("\n".join(lines[1:] + lines[:1]) + "\n", encoding="utf-8")
    wall, _, _ = run(search_cli("index", tmp / "src" / str(FILES), "--index", tmp / f"engine-{FILES}", "--quiet"))
    rebuild = found[("engine", FILES)]["wall"]
    print(f"update after 1 of {FILES} files changed: {wall:.1f} s = {wall / rebuild:.1%} of a full build (target ≤ 10%)")


def queries_side_by_side(tmp: Path, queries: list[str], full: bool) -> None:
    e50, e95, e99 = percentiles(latency_engine(tmp / f"engine-{FILES}", queries))
    p50, p95, p99 = percentiles(latency_plain(tmp / f"plain-{FILES}", queries))
    print(f"query latency over {len(queries)} queries (ms)   p50    p95    p99")
    print(f"  engine                               {e50:6.1f} {e95:6.1f} {e99:6.1f}   (--full target: p95 ≤ 100, p99 ≤ 250)")
    print(f"  plain Whoosh                         {p50:6.1f} {p95:6.1f} {p99:6.1f}")
    print(f"  engine / plain Whoosh p95 {e95 / p95:.2f} (target on the slice ≤ 1.5)")
    batch = tmp / "batch.tsv"
    batch.write_text("\n".join(f"q{i}\t{q}" for i, q in enumerate((queries * 2)[:1000])), encoding="utf-8")
    wall, peak, _ = run(search_cli("batch", batch, "--index", tmp / f"engine-{FILES}", "--out", tmp / "run.jsonl"))
    plain, _, _ = run([sys.executable, __file__, "--child", "plain-batch", str(tmp / f"plain-{FILES}"), str(batch)])
    print(f"batch of 1000 queries: engine {wall:.1f} s = {1000 / wall:.0f} queries/s ({peak:.0f} MB); "
          f"plain Whoosh {plain:.1f} s = {1000 / plain:.0f} queries/s (target ≥ 100)")


def commands(tmp: Path) -> None:
    ix = tmp / f"engine-{FILES}"
    print(f"cold commands, median of {COLD_RUNS} fresh processes      wall s  peak MB")
    rows = [
        ("search query", search_cli("query", "злочинна група", "--index", ix), "≤ 0.5 s, ≤ 250 MB"),
        ("plain Whoosh query", [sys.executable, __file__, "--child", "plain-query", str(tmp / f"plain-{FILES}"),
                                "злочинна група"], ""),
        (f"search kwic (first 20)", search_cli("kwic", KWIC_TERM, "--limit", 20, "--index", ix), "≤ 1 s, ≤ 300 MB"),
        ("search terms --top 20", search_cli("terms", "--top", 20, "--index", ix), "≤ 1 s"),
        (f"search stats {STATS_TERM}", search_cli("stats", STATS_TERM, "--index", ix), "≤ 2 s"),
    ]
    for label, args, target in rows:
        wall, peak = cold(args)
        print(f"  {label:<44} {wall:6.2f} {peak:8.0f}   {('target ' + target) if target else ''}")
    _, _, out = run(search_cli("query", STATS_TERM, "--index", ix, "--format", "json", "--limit", 1))
    _, _, kwic = run(search_cli("query", f'"{KWIC_TERM}"', "--index", ix, "--format", "json", "--limit", 1))
    print(f"  ({STATS_TERM}: {json.loads(out)['total']:,} paragraphs; \"{KWIC_TERM}\": "
          f"{json.loads(kwic)['total']:,} paragraphs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tokens", type=int, default=1_000_000, help="size of the slice in words")
    parser.add_argument("--full", action="store_true", help="the whole law corpus (no naive build)")
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--keep", help="build in this folder and keep it (default: a temporary one)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="speed-"))
    try:
        started = time.perf_counter()
        tokens, acts = prepare(tmp / "src", None if args.full else args.tokens, (FILES, 12, 1))
        print(f"corpus: {tokens:,} words in {acts:,} records, as {FILES} JSON Lines files, as 12 and as one "
              f"({dir_size(tmp / 'src' / '1') / 1e6:.1f} MB; prepared in {time.perf_counter() - started:.1f} s); "
              f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
        found = builds(tmp, tokens, args.full)
        queries = sample_queries(tmp / "src" / str(FILES), args.queries, random.Random(7))
        queries_side_by_side(tmp, queries, args.full)
        commands(tmp)
        update(tmp, found)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
