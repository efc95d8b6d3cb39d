"""Build or update an index from source folders.

An update compares every source file with the manifest: unchanged files are
skipped, changed files are re-read and replace their old paragraphs,
removed files lose theirs.  All of it is one Whoosh commit, so searchers see
either the old index or the new one.  A file that cannot be read is reported
and, if it was indexed before, keeps its old paragraphs.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional

from ..errors import IndexReadOnlyError, NoSourcesError, SourceError, UsageError
from ..ingest.read import discover
from ..models import BuildReport
from . import speller, statistics, store
from .files import file_size, fingerprint, index_file, unchanged
from .parallel import in_pieces, parallel_index
from .progress import ProgressLine
from .schema import SCHEMA_VERSION, make_schema
from .segments import (Segments, builder_memory, drop_source, merge, segment_words, words_per_merge,
                       words_per_segment)

Progress = Optional[Callable[[str], None]]
#: What all of a build's processes may hold in memory, in MB: segments
#: being written are cut to fit, and the parallel path splits it between
#: its processes.
DEFAULT_MEMORY_MB = 1024
#: Below this many bytes to index, worker processes cost more than they save.
PARALLEL_BYTES = 2_000_000


def outdated(path: Path) -> bool:
    """Whether the sources the index was built from have changed since:
    a file added, removed, or of another size or time (and content)."""
    manifest = store.read_manifest(path)
    roots = [Path(r) for r in manifest.get("roots", [])]
    if not roots or manifest.get("version") != SCHEMA_VERSION:
        return bool(roots)
    old = manifest.get("files", {})
    files = discover(roots, problems=[])
    if {str(f) for f in files} != old.keys():
        return True
    return not all(unchanged(f, old.get(str(f))) for f in files)


def build(path: Path, roots: list[Path], *, rebuild: bool = False, progress: Progress = None,
          workers: int = 1, memory_mb: int = DEFAULT_MEMORY_MB, text_field: str = "text") -> BuildReport:
    """Bring the index at ``path`` up to date with the files under ``roots``
    (``text_field``: the field of JSON Lines records that holds the text)."""
    say = progress or (lambda message: None)
    _refuse_sources_holding(roots, path)
    # Sources first: a build with nothing to index creates nothing.
    problems: list[SourceError] = []
    files = discover(roots, problems)
    if not files:
        raise NoSourcesError("nothing to index: " + "; ".join(
            [str(p) for p in problems] or ["no .txt, .md, .html or .jsonl files in " + ", ".join(map(str, roots))]))
    try:
        return _locked_build(path, roots, files, problems, rebuild, say, workers, memory_mb, text_field)
    except IndexReadOnlyError:
        # An index one may only read is up to date with unchanged sources:
        # saying so needs no write.
        if not rebuild and _up_to_date(path, files, text_field):
            return BuildReport(unchanged=len(files), problems=tuple(f"{p}; skipped" for p in problems))
        raise


def _up_to_date(path: Path, files: list[Path], text_field: str) -> bool:
    """Whether the index holds exactly these files, unchanged."""
    if not (store.exists(path) and store.is_current(path)):
        return False
    manifest = store.read_manifest(path)
    old = manifest.get("files", {})
    return (manifest.get("text_field", "text") == text_field and set(old) == {str(p) for p in files}
            and all(unchanged(p, old[str(p)]) for p in files))


def _locked_build(path: Path, roots: list[Path], files: list[Path], problems: list, rebuild: bool, say,
                  workers: int, memory_mb: int, text_field: str) -> BuildReport:
    store.claim(path)
    with store.build_lock(path):
        store.clear_leftovers(path)
        live = store.live_generation(path)
        old_manifest = store.read_manifest(path)
        in_place = (not rebuild and live is not None and store.is_current(path) and store.exists(path)
                    and old_manifest.get("text_field", "text") == text_field)
        old = old_manifest.get("files", {}) if in_place else {}
        generation = live if in_place else store.new_generation(path)
        try:
            ix = store.open_index(path) if in_place else _create(generation)
            report, manifest_files = _write(ix, files, old, say, [f"{p}; skipped" for p in problems], workers,
                                            memory_mb, text_field)
            manifest = {
                "version": SCHEMA_VERSION,
                "roots": [str(Path(r).resolve()) for r in roots],
                "text_field": text_field,
                "built": old_manifest.get("built") if in_place and not report.changed else _now(),
                "files": manifest_files,
            }
            if manifest != old_manifest or not in_place:
                store.write_manifest(generation, manifest)
            if not in_place:
                store.publish(path, generation)
        except BaseException:
            # Interrupted or failed: the generation it began goes (never a
            # live one: publishing may have swapped it in before failing).
            if not in_place and store.live_generation(path) != generation:
                shutil.rmtree(generation, ignore_errors=True)
            raise
        return replace(report, notes=_notes(files, old_manifest, roots, report))


def _notes(files: list[Path], old_manifest: dict, roots: list[Path], report: BuildReport) -> tuple[str, ...]:
    """Two sources that would cite alike, and sources gone because other
    folders were named."""
    notes = []
    stems: dict[str, list[Path]] = {}
    for path in files:
        if path.suffix.lower() != ".jsonl":
            stems.setdefault(path.stem, []).append(path)
    for stem, paths in stems.items():
        if len(paths) > 1:
            notes.append(f"{len(paths)} sources share the document id {stem!r} ({', '.join(map(str, paths[:3]))}); "
                         f"rename one so that their hits cite apart")
    earlier = [r for r in old_manifest.get("roots", []) if r not in {str(Path(x).resolve()) for x in roots}]
    if earlier and report.removed:
        notes.append(f"the index no longer holds {', '.join(earlier)}: it holds what was named "
                     f"(search index --add adds to it)")
    return tuple(notes)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _refuse_sources_holding(roots: list[Path], path: Path) -> None:
    """A build must never index its own files, nor write among the sources."""
    target = path.resolve()
    for root in roots:
        resolved = Path(root).resolve()
        if resolved == target or resolved in target.parents:
            raise UsageError(f"the sources {root} hold the index folder {path}; "
                             f"put the index outside its sources")


#: Segments an update leaves at most; beyond, the smallest are merged.
MAX_SEGMENTS = 32
#: A fresh build leaving more segments than this merges them (compact()).
COMPACT_ABOVE = 8
#: A segment whose paragraphs are deleted beyond this share is rewritten
#: without them (deleted paragraphs cost reading, never answers).
MAX_DELETED = 1 / 3


def fold(ix, segments: list, memory_mb: int = DEFAULT_MEMORY_MB) -> list:
    """The segments a commit keeps, the merge policy of every commit.

    Paragraphs an update replaced stay in their segments, marked deleted:
    ranking leaves them out of every statistic, so an updated index scores
    exactly like a fresh build of the same sources.  A segment mostly
    deleted is rewritten without them, and when there are more than
    MAX_SEGMENTS, the smallest are merged into one, as many as ``memory_mb``
    lets one merge hold (more segments are left than merged beyond it);
    merges copy exact lengths, so scores do not move either.
    """
    kept = []
    for segment in segments:
        if segment.deleted_count() >= segment.doc_count_all():
            continue  # nothing left
        if segment.has_deletions() and segment.deleted_count() > MAX_DELETED * segment.doc_count_all():
            merged = merge(ix, [segment])
            if merged is not None:
                kept.append(merged)
            continue
        kept.append(segment)
    if len(kept) > MAX_SEGMENTS:
        kept.sort(key=segment_words)
        group = _smallest(kept[:len(kept) - MAX_SEGMENTS + 1], words_per_merge(memory_mb), always=2)
        if len(group) > 1:
            kept = _merged(ix, kept, group)
    return kept


def _smallest(ordered: list, room: int, always: int) -> list:
    """The first of ``ordered`` segments (smallest first) while together
    they hold at most ``room`` words; the first ``always`` whatever their
    size."""
    group, words = [], 0
    for segment in ordered:
        if len(group) >= always and words + segment_words(segment) > room:
            break
        group.append(segment)
        words += segment_words(segment)
    return group


def _merged(ix, kept: list, group: list) -> list:
    """``kept`` with its first segments, ``group``, merged into one."""
    merged = merge(ix, group)
    return kept[len(group):] + ([merged] if merged is not None else [])


def compact(ix, segments: list, memory_mb: int = DEFAULT_MEMORY_MB) -> list:
    """A fresh build's segments, when there are more than
    :data:`COMPACT_ABOVE`, merged smallest first into as few as the memory
    one merge may hold allows.  Its workers write segments as big as their
    share of ``memory_mb`` lets them; a query pays for every segment it
    reads (the 23M-word corpus answers in half the time from 6 segments as
    from 15), so the build pays once instead.  A smaller build is left as
    it is: merging costs about half the time of writing, and its queries
    take milliseconds anyway."""
    if len(segments) <= COMPACT_ABOVE:
        return segments
    room = words_per_merge(memory_mb)
    kept = sorted(segments, key=segment_words)
    while len(group := _smallest(kept, room, always=1)) > 1:
        kept = sorted(_merged(ix, kept, group), key=segment_words)
    return kept


def _create(folder: Path):
    from whoosh import index

    return index.create_in(str(folder), make_schema())


def _writer(ix):
    """The Whoosh writer a build commits through: it holds Whoosh's lock,
    marks deletions and writes the table of contents.  Paragraphs never go
    through it (its codec refuses them): segments are written whole."""
    from .codec import ArrayCodec

    return ix.writer(codec=ArrayCodec())


def _write(ix, files: list[Path], old: dict, say, problems: list[str], workers: int,
           memory_mb: int, text_field: str) -> tuple[BuildReport, dict]:
    counts = dict(added=0, replaced=0, removed=0, unchanged=0, paragraphs=0)
    messages: list[str] = list(problems)
    manifest: dict = {}
    todo = []
    for path in files:
        entry = old.get(str(path))
        if unchanged(path, entry):
            counts["unchanged"] += 1
            manifest[str(path)] = {**entry, **fingerprint(path)}
        else:
            todo.append(path)
    removed = old.keys() - {str(p) for p in files}
    if not todo and not removed:  # nothing to do: no writer, nothing written
        return BuildReport(**counts, problems=tuple(messages)), manifest
    sizes = {p: file_size(p) for p in todo}
    parallel = (workers > 1 and sum(sizes.values()) >= PARALLEL_BYTES
                and (len(todo) > 1 or any(in_pieces(p, n) for p, n in sizes.items())))
    progress = ProgressLine(say, len(todo), sum(sizes.values()))
    writer = _writer(ix)
    try:
        if parallel:
            results, segments = parallel_index(ix, sizes, old, workers, memory_mb, progress, text_field)
        else:
            sink = Segments(ix, words_per_segment(builder_memory(memory_mb)))
            results = []
            for p in todo:
                results.append(index_file(sink, p, old.get(str(p)), progress.advance, text_field))
                progress.file_done(p.name)
            segments = sink.close()
        for result in results:
            if result.partial:  # its new paragraphs must not be committed
                drop_source(ix, segments, result.key)
            messages.extend(result.messages)
            if result.entry:
                manifest[result.key] = result.entry
            if result.indexed:
                # Deletions reach the segments committed before this build
                # only, never the paragraphs it has just added.
                writer.delete_by_term("source", result.key)
                counts["replaced" if result.key in old else "added"] += 1
                counts["paragraphs"] += result.paragraphs
        for key in removed:
            writer.delete_by_term("source", key)
            counts["removed"] += 1
        if counts["added"] or counts["replaced"] or counts["removed"]:
            _commit(ix, writer, segments, memory_mb)
        else:
            writer.cancel()
    except BaseException:
        writer.cancel()
        raise
    return BuildReport(**counts, problems=tuple(messages)), manifest


def _commit(ix, writer, segments: list, memory_mb: int) -> None:
    """Commit the deletions ``writer`` marked and the new ``segments`` in
    one new table of contents, then count the lemmas of what it holds."""
    fresh = not writer.segments
    final = fold(ix, writer.segments + segments, memory_mb)
    if fresh:
        final = compact(ix, final, memory_mb)
    writer._close_segment()
    writer._commit_toc(final)
    writer._finish()
    statistics.write(Path(ix.storage.folder), ix)
    speller.write(Path(ix.storage.folder), ix)
