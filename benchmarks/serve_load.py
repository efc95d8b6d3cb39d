"""Load on ``search serve``: concurrent clients and mixed requests while
``search index`` updates the same index.

    python benchmarks/serve_load.py                     # 16 clients, 400 requests, with updates
    python benchmarks/serve_load.py --clients 32 --requests 2000
    python benchmarks/serve_load.py --no-updates

The bundled sources are copied and indexed in a temporary folder; ``search
serve`` runs in its own process on that index; each client is a thread with
one keep-alive connection.  Meanwhile (unless ``--no-updates``) ``search
index`` runs again and again on the same index, each time with one source
file changed to hold a new marker word.  It prints the latency percentiles
per endpoint and overall, the throughput, every failed request, and whether
the server answered from the last generation once the updates were done.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ["злочинна група", "торговля людьми", '"організована злочинна група"', "відмивання доходів",
           "злочин*", "мігрантів AND article:6", "конфіскація майна", "протокол lang:ru",
           "держава-учасниця", "екстрадиція OR видача", "NOT група злочинна", "торгівля людьми"]
#: Marker words, one per update: made-up words that only the changed file holds.
MARKERS = ["зюмбрами", "квакляна", "трусельки", "бурмилою", "шкварчиха", "тарабуня", "вихлясти", "чумакуза"]


@dataclass
class Report:
    latencies: dict = field(default_factory=dict)  # endpoint → [seconds]
    failures: list = field(default_factory=list)  # (request, status or error, body)
    seconds: float = 0.0
    updates: int = 0
    fresh: bool = True  # the server answered from the last generation afterwards

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.latencies.values())


def mixed_requests(count: int, seed: int = 13) -> list[tuple[str, str, bytes | None]]:
    """``count`` requests (method, path with query, body): searches with
    filters and pages most, then concordances, statistics, explanations,
    frequent terms, index info and batches."""
    rng = random.Random(seed)
    kinds = [
        (50, lambda q: ("GET", "/api/search", {"q": q, "limit": rng.choice([5, 10, 20]),
                                                "offset": rng.choice([0, 0, 10]),
                                                "lang": rng.choice(["", "", "uk", "ru"])}, None)),
        (15, lambda q: ("GET", "/api/kwic", {"q": q, "sort": rng.choice(["doc", "left", "right", "form"]),
                                              "limit": 100}, None)),
        (10, lambda q: ("GET", "/api/stats", {"q": q}, None)),
        (10, lambda q: ("GET", "/api/explain", {"q": q}, None)),
        (5, lambda q: ("GET", "/api/terms", {"top": 20, "lang": rng.choice(["", "ru"])}, None)),
        (5, lambda q: ("GET", "/api/info", {}, None)),
        (5, lambda q: ("POST", "/api/batch", {"limit": 5}, "".join(
            json.dumps({"id": str(i), "query": rng.choice(QUERIES)}, ensure_ascii=False) + "\n"
            for i in range(5)).encode())),
    ]
    out = []
    for _ in range(count):
        make = rng.choices([k for _, k in kinds], weights=[w for w, _ in kinds])[0]
        method, path, params, body = make(rng.choice(QUERIES))
        query = urlencode({k: v for k, v in params.items() if v != ""})
        out.append((method, f"{path}?{query}" if query else path, body))
    return out


def send(conn: http.client.HTTPConnection, method: str, target: str, body: bytes | None) -> tuple[int, bytes]:
    conn.request(method, target, body=body, headers={"Content-Type": "application/x-ndjson"} if body else {})
    response = conn.getresponse()
    return response.status, response.read()


def run_clients(base_url: str, requests: list, clients: int, report: Report) -> None:
    """Send ``requests`` from ``clients`` threads, each taking the next one
    left; latencies and failures go into ``report``."""
    address = urlsplit(base_url)
    pending = list(reversed(requests))
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
        while True:
            with lock:
                if not pending:
                    break
                method, target, body = pending.pop()
            started = time.perf_counter()
            try:
                status, data = send(conn, method, target, body)
            except (OSError, http.client.HTTPException) as exc:
                status, data = repr(exc), b""
                conn.close()
                conn = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
            elapsed = time.perf_counter() - started
            with lock:
                report.latencies.setdefault(target.split("?")[0], []).append(elapsed)
                if status != 200:
                    report.failures.append((f"{method} {target}", status, data[:300].decode(errors="replace")))
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report.seconds = time.perf_counter() - started


def start_server(index: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """``search serve`` on ``index`` and any free port, its stderr in
    ``log``; the process and its URL."""
    with log.open("w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "search", "serve", "--index", str(index), "--port", "0"],
                                stderr=err, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        found = re.search(r"at (http://\S+)/ ", log.read_text())
        if found:
            return proc, found.group(1)
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"search serve did not start: {log.read_text()[-500:]}")


def marked(text: str, marker: str) -> str:
    return text.replace("Мета", f"Мета {marker}", 1)


def keep_updating(sources: Path, index: Path, stop: threading.Event, report: Report) -> None:
    """``search index`` again and again, one file changed each time, until
    ``stop`` is set; counts the updates."""
    original = (ROOT / "sources" / "untoc-uk.txt").read_text(encoding="utf-8")
    while not stop.is_set():
        marker = MARKERS[report.updates % len(MARKERS)]
        (sources / "untoc-uk.txt").write_text(marked(original, marker), encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "search", "index", str(sources), "--index", str(index), "-q"],
                              capture_output=True, text=True)
        if done.returncode != 0:
            report.failures.append(("search index", done.returncode, done.stderr[-300:]))
            return
        report.updates += 1


def answers_last_generation(base_url: str, report: Report) -> bool:
    """Whether the server finds the last update's marker and no longer
    finds the one before."""
    if not report.updates:
        return True
    address = urlsplit(base_url)
    conn = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    totals = []
    for back in (1, 2):
        marker = MARKERS[(report.updates - back) % len(MARKERS)]
        status, data = send(conn, "GET", "/api/search?" + urlencode({"q": marker, "exact": "true"}), None)
        totals.append(json.loads(data)["total"] if status == 200 else -1)
    conn.close()
    return totals[0] >= 1 and (report.updates < 2 or totals[1] == 0)


def load(workdir: Path, clients: int = 16, requests: int = 400, updates: bool = True) -> Report:
    """Index a copy of the bundled sources in ``workdir``, serve it, and
    send the load (while updating, if asked)."""
    sources, index = workdir / "sources", workdir / "index"
    shutil.copytree(ROOT / "sources", sources)
    subprocess.run([sys.executable, "-m", "search", "index", str(sources), "--index", str(index), "-q"], check=True)
    proc, base_url = start_server(index, workdir / "serve.log")
    report, stop = Report(), threading.Event()
    updater = threading.Thread(target=keep_updating, args=(sources, index, stop, report))
    try:
        if updates:
            updater.start()
        run_clients(base_url, mixed_requests(requests), clients, report)
        stop.set()
        if updates:
            updater.join()
        report.fresh = answers_last_generation(base_url, report)
    finally:
        stop.set()
        proc.terminate()
        proc.wait(timeout=30)
    return report


def percentiles(seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    cuts = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
    return f"{len(ms):>6} {cuts[49]:>8.1f} {cuts[94]:>8.1f} {cuts[98]:>8.1f} {ms[-1]:>8.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--no-updates", action="store_true", help="No `search index` during the load.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report = load(Path(tmp), args.clients, args.requests, updates=not args.no_updates)
    print(f"search serve: {args.clients} clients, {report.count} mixed requests in {report.seconds:.1f} s "
          f"({report.count / report.seconds:.0f} requests/s)")
    print(f"updates by `search index` during the load: {report.updates}; "
          f"answered from the last generation afterwards: {'yes' if report.fresh else 'NO'}")
    print(f"failed requests: {len(report.failures)}")
    for request, status, body in report.failures[:10]:
        print(f"  {status}  {request}  {body}")
    print(f"{'latency (ms)':<14} {'count':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}")
    print(f"{'all':<14} {percentiles([s for v in report.latencies.values() for s in v])}")
    for endpoint, seconds in sorted(report.latencies.items()):
        print(f"{endpoint:<14} {percentiles(seconds)}")
    sys.exit(1 if report.failures or not report.fresh else 0)


if __name__ == "__main__":
    main()
