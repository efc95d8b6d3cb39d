"""Index changed source files in worker processes.

Whoosh cannot take two writers on one index, but segments written beside
it (as Whoosh's MpWriter writes them) can be listed in the parent's
commit.  Each worker takes jobs from a queue, runs the whole pipeline on
them (reading, analysis, indexing into segments of its own, a new one
whenever its share of memory is full) and returns its segments and what
it did per job; the parent commits everything in one table of contents.

A job is a whole file, or a piece of a big JSON Lines file: the parent
reads such a file once (its hash, its encoding and where its lines can be
cut, :func:`search.ingest.jsonl.scan`), and every worker indexes pieces of
it, so one big file keeps all the workers busy; the pieces' results add up
to the file's.  Workers are spawned, not forked, so they inherit neither
the build lock nor the parent's open index files, and each stops by itself
if the parent dies.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import traceback
from pathlib import Path

from ..errors import SourceError
from ..ingest.jsonl import merge, scan
from .files import FileResult, fingerprint, index_file, index_piece
from .segments import Segments, builder_memory, words_per_segment

#: A JSON Lines file is read in pieces of at least this many bytes...
PIECE_BYTES = 1 << 20
#: ... about this many a worker, so that the workers finish together ...
PIECES_PER_WORKER = 8
#: ... and of at most this many.
MAX_PIECE_BYTES = 32 << 20


def in_pieces(path: Path, size: int) -> bool:
    """Whether a file is big enough to be read in pieces by several workers."""
    return path.suffix.lower() == ".jsonl" and size >= 2 * PIECE_BYTES


def parallel_index(ix, sizes: dict[Path, int], old: dict, workers: int, memory_mb: int, progress,
                   text_field: str = "text"):
    """(per-file results, new segments) of indexing the files of ``sizes``
    (path: bytes) in workers; ``progress`` hears how they go."""
    piece_bytes = max(PIECE_BYTES, min(MAX_PIECE_BYTES, sum(sizes.values()) // (workers * PIECES_PER_WORKER)))
    jobs, files, results = [], {}, []
    for path, size in sizes.items():
        if not in_pieces(path, size):
            jobs.append((size, ("file", str(path))))
            continue
        try:
            stat = fingerprint(path)
            scanned = scan(path, piece_bytes, text_field)
        except (SourceError, OSError) as exc:
            kept = "; its earlier version stays indexed" if old.get(str(path)) else ""
            results.append(FileResult(str(path), old.get(str(path)), messages=(f"{_message(path, exc)}; skipped{kept}",)))
            progress.file_done(path.name)
            continue
        files[str(path)] = (stat, scanned, [])
        jobs += [(p.end - p.start, ("piece", str(path), p, scanned.encoding, scanned.errors, scanned.renamed))
                 for p in scanned.pieces]
    ctx = multiprocessing.get_context("spawn")
    todo, out = ctx.Queue(), ctx.Queue()
    # The biggest jobs first, so the workers finish together.
    for _, job in sorted(jobs, key=lambda j: -j[0]):
        todo.put(job)
    for _ in range(workers):
        todo.put(None)
    limit = words_per_segment(builder_memory(memory_mb, workers))
    folder = ix.storage.folder
    procs = [ctx.Process(target=_work, args=(folder, limit, todo, out, old, os.getpid(), text_field), daemon=True)
             for _ in range(workers)]
    for proc in procs:
        proc.start()
    segments, done = [], 0
    try:
        while done < workers:
            try:
                kind, *payload = out.get(timeout=1)
            except queue.Empty:
                if any(p.exitcode not in (None, 0) for p in procs):
                    raise RuntimeError("an indexing worker process died") from None
                continue
            if kind == "progress":
                progress.advance(*payload)
            elif kind == "file":
                progress.file_done(Path(payload[0]).name)
            elif kind == "piece":
                key, result = payload
                pieces = files[key][2]
                pieces.append(result)
                if len(pieces) == len(files[key][1].pieces):
                    progress.file_done(Path(key).name)
            elif kind == "error":
                raise RuntimeError(f"an indexing worker failed:\n{payload[0]}")
            else:
                done += 1
                found_segments, found = payload
                segments.extend(found_segments)
                results.extend(found)
    except BaseException:
        for proc in procs:
            proc.terminate()
        raise
    for proc in procs:
        proc.join()
    results += [_whole(Path(key), old.get(key), stat, scanned, pieces, text_field)
                for key, (stat, scanned, pieces) in files.items()]
    return results, segments


def _message(path: Path, exc: BaseException) -> str:
    return str(exc) if isinstance(exc, SourceError) else f"{path}: {exc}"


def _whole(path: Path, entry, stat: dict, scanned, pieces: list, text_field: str) -> FileResult:
    """The result of a file read in pieces, as one reader of it would give."""
    added = sum(p.paragraphs for p in pieces)
    failed = [p.error for p in pieces if p.error]
    try:
        if failed:
            raise SourceError(path, failed[0])
        reports = [p.report for p in sorted(pieces, key=_start)]
        warnings = tuple(scanned.warnings) + tuple(merge(path, reports, text_field, scanned.renamed_warnings))
    except SourceError as exc:
        kept = "; its earlier version stays indexed" if entry else ""
        return FileResult(str(path), entry, messages=(f"{exc}; skipped{kept}",), partial=added > 0)
    return FileResult(str(path), {**stat, "sha256": scanned.sha256, "paragraphs": added}, added, warnings,
                      indexed=True)


def _start(piece_result) -> int:
    return piece_result.piece.start


def _work(folder: str, limit: int, jobs, out, old: dict, parent: int, text_field: str) -> None:
    from whoosh import index

    try:
        sink = Segments(index.open_dir(folder), limit)
        found = []
        report = lambda *event: out.put(("progress", *event))  # noqa: E731
        while True:
            job = jobs.get()
            if job is None:
                break
            if os.getppid() != parent:  # the build was killed: stop, write nothing
                os._exit(1)
            if job[0] == "file":
                found.append(index_file(sink, Path(job[1]), old.get(job[1]), report, text_field))
                out.put(("file", job[1]))
            else:
                _, key, piece, encoding, errors, renamed = job
                result = index_piece(sink, Path(key), piece, encoding, errors, report, text_field, renamed)
                out.put(("piece", key, result))
        out.put(("done", sink.close(), found))
    except BaseException:
        out.put(("error", traceback.format_exc()))
