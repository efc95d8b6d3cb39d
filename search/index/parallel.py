"""Index changed source files in worker processes.

Whoosh cannot take two writers on one index, but segments written beside
it (as Whoosh's MpWriter writes them) can be listed in the parent's
commit.  Each worker takes files from a queue, runs the whole pipeline on
them (reading, analysis, indexing into segments of its own, a new one
whenever its share of memory is full) and returns its segments and what it
did per file; the parent commits everything in one table of contents.  Workers are spawned, not forked, so they inherit
neither the build lock nor the parent's open index files, and each stops by
itself if the parent dies.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import traceback
from pathlib import Path

from .files import index_file
from .segments import Segments, builder_memory, words_per_segment


def parallel_index(ix, sizes: dict[Path, int], old: dict, workers: int, memory_mb: int, file_done,
                   text_field: str = "text"):
    """(per-file results, new segments) of indexing the files of ``sizes``
    (path: bytes) in workers; ``file_done(name, paragraphs, words, size)``
    hears of each file as it ends."""
    ctx = multiprocessing.get_context("spawn")
    jobs, out = ctx.Queue(), ctx.Queue()
    # The biggest files first, so the workers finish together.
    for path in sorted(sizes, key=lambda p: -sizes[p]):
        jobs.put(str(path))
    for _ in range(workers):
        jobs.put(None)
    limit = words_per_segment(builder_memory(memory_mb, workers + 1))
    folder = ix.storage.folder
    procs = [ctx.Process(target=_work, args=(folder, limit, jobs, out, old, os.getpid(), text_field),
                         daemon=True)
             for _ in range(workers)]
    for proc in procs:
        proc.start()
    results, segments, done = [], [], 0
    try:
        while done < workers:
            try:
                kind, *payload = out.get(timeout=1)
            except queue.Empty:
                if any(p.exitcode not in (None, 0) for p in procs):
                    raise RuntimeError("an indexing worker process died") from None
                continue
            if kind == "file":
                file_done(*payload)
            elif kind == "error":
                raise RuntimeError(f"an indexing worker failed:\n{payload[0]}")
            else:
                done += 1
                found_segments, found = payload
                results.extend(found)
                segments.extend(found_segments)
    except BaseException:
        for proc in procs:
            proc.terminate()
        raise
    for proc in procs:
        proc.join()
    return results, segments


def _work(folder: str, limit: int, jobs, out, old: dict, parent: int, text_field: str) -> None:
    from whoosh import index

    try:
        sink = Segments(index.open_dir(folder), limit)
        found = []
        while True:
            path = jobs.get()
            if path is None:
                break
            if os.getppid() != parent:  # the build was killed: stop, write nothing
                os._exit(1)
            found.append(index_file(sink, Path(path), old.get(path), lambda *event: out.put(("file", *event)),
                                    text_field))
        out.put(("done", sink.close(), found))
    except BaseException:
        out.put(("error", traceback.format_exc()))
