"""Where an index lives, how it is opened, locked and swapped.

An index is a folder holding Whoosh's files and ``manifest.json`` (which
source files it holds, with their sizes, times and hashes).  Whoosh commits
by writing new segment files and then renaming a new table of contents into
place, so a build killed at any moment leaves the previous generation
readable; the manifest is replaced (atomically) only after a commit.
"""

from __future__ import annotations

import fcntl
import gc
import json
import os
import shutil
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

from ..errors import IndexDamagedError, IndexLockedError, IndexMissingError, SearchError
from .schema import SCHEMA_VERSION

MANIFEST = "manifest.json"


def read_manifest(path: Path) -> dict:
    try:
        data = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_manifest(path: Path, manifest: dict) -> None:
    tmp = path / f".{MANIFEST}.{os.getpid()}"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path / MANIFEST)


def exists(path: Path) -> bool:
    """Whether a readable index is at ``path``."""
    try:
        open_index(path).close()
    except SearchError:
        return False
    return True


def open_index(path: Path):
    """The Whoosh index at ``path``; clear errors when it is absent or broken."""
    from whoosh import index

    if not path.is_dir() or not any(path.iterdir()):
        raise IndexMissingError(f"no index at {path}: run `search index SOURCES…` to build one")
    if not any(path.glob("*.toc")):
        raise IndexDamagedError(f"index at {path} has no table of contents; "
                                f"run `search index --rebuild` to build it again")
    # Whoosh raises many kinds of errors on damaged files.
    return read_guarded(path, (Exception,), index.open_dir, str(path))


def read_guarded(path: Path, kinds: tuple, read, *args):
    """``read(*args)``, with Whoosh's errors on damaged files turned into one
    IndexDamagedError that names the index and the repair."""
    try:
        return read(*args)
    except kinds as exc:
        if isinstance(exc, SearchError):
            raise
        message = (f"index at {path} cannot be read ({type(exc).__name__}: {exc}); "
                   f"run `search index --rebuild` to build it again")
        # Whoosh leaves open the file it failed on, held by the traceback;
        # drop it now, quietly, so no ResourceWarning surfaces later.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            chained: Optional[BaseException] = exc
            while chained is not None:
                chained.__traceback__ = None
                chained = chained.__context__
            gc.collect()
    raise IndexDamagedError(message)


def is_current(path: Path) -> bool:
    """Whether the index was built by this version of the analysis."""
    return read_manifest(path).get("version") == SCHEMA_VERSION


@contextmanager
def build_lock(path: Path) -> Iterator[None]:
    """Exclusive right to write the index, held by a kernel lock that a
    killed process releases by itself."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.parent / f".{path.name}.lock"
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            raise IndexLockedError(
                f"index at {path} is locked by PID {holder}, which is building it; "
                f"wait for it to finish"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


def fresh_dir(path: Path) -> Path:
    """An empty folder beside ``path`` to build a new index in."""
    tmp = path.parent / f".{path.name}.new-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    return tmp


def swap_in(new: Path, path: Path) -> None:
    """Put a finished index in place of the old one (if any)."""
    old = path.parent / f".{path.name}.old-{os.getpid()}"
    if path.exists():
        os.replace(path, old)
    os.replace(new, path)
    shutil.rmtree(old, ignore_errors=True)


def recover(path: Path) -> None:
    """Undo a swap that was cut off between its two renames, and clear the
    leftovers of builds that were killed."""
    for leftover in path.parent.glob(f".{path.name}.old-*"):
        if not path.exists():
            os.replace(leftover, path)
        else:
            shutil.rmtree(leftover, ignore_errors=True)
    for leftover in path.parent.glob(f".{path.name}.new-*"):
        shutil.rmtree(leftover, ignore_errors=True)
