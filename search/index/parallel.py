"""Index changed source files in worker processes, one segment each.

Whoosh cannot take two writers on one index, but a writer that does not
lock (``_lk=False``) can write a segment that the parent then lists in its
own commit, as Whoosh's MpWriter does.  Each worker takes files from a queue,
runs the whole pipeline on them (reading, analysis, indexing) and returns
its segment and what it did per file; the parent commits everything in one
table of contents.  Workers are spawned, not forked, so they inherit
neither the build lock nor the parent's open index files, and each stops by
itself if the parent dies.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import traceback
from pathlib import Path

from .files import file_size, index_file


#: A worker starts a new segment after at least this many bytes of sources:
#: small segments keep updates cheap (a changed file in a segment of its own
#: is dropped whole; one that shares a segment makes Whoosh add the other
#: files' paragraphs again).
SEGMENT_BYTES = 250_000
#: ... and after a share of the build big enough that a build writes about
#: this many segments, so that a search visits few and no build ends up
#: folding segments beyond MAX_SEGMENTS.
TARGET_SEGMENTS = 32


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
    limitmb = max(32, memory_mb // (workers + 1) // 2)
    segment_bytes = max(SEGMENT_BYTES, sum(sizes.values()) // TARGET_SEGMENTS)
    folder = ix.storage.folder
    procs = [ctx.Process(target=_work, args=(folder, limitmb, segment_bytes, jobs, out, old, os.getpid(), text_field),
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


def _work(folder: str, limitmb: int, segment_bytes: int, jobs, out, old: dict, parent: int,
          text_field: str) -> None:
    from whoosh import index
    from whoosh.writing import SegmentWriter


    try:
        ix = index.open_dir(folder)
        writer = SegmentWriter(ix, _lk=False, limitmb=limitmb)
        found, segments, size = [], [], 0
        while True:
            path = jobs.get()
            if path is None:
                break
            if os.getppid() != parent:  # the build was killed: stop, write nothing
                os._exit(1)
            found.append(index_file(writer, Path(path), old.get(path), lambda *event: out.put(("file", *event)), text_field))
            size += file_size(Path(path))
            if size >= segment_bytes and writer._added:
                segments.append(writer._finalize_segment())
                writer = SegmentWriter(ix, _lk=False, limitmb=limitmb)
                size = 0
        if writer._added:
            segments.append(writer._finalize_segment())
        else:
            # Not cancel(): that destroys the temporary folder all of the
            # index's writers share, the parent's among them.
            writer._close_segment()
        out.put(("done", segments, found))
    except BaseException:
        out.put(("error", traceback.format_exc()))
