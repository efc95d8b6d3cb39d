"""Where an index lives: its folder, generations, lock and manifest.

An index folder holds only what the engine wrote, and says so::

    search-index.json   the marker: "this folder is a search index", and
                        which generation is live
    gen-7/              a Whoosh index with its manifest.json (which source
                        files it holds, with sizes, times and hashes)
    .lock               the build lock

A build touches nothing else: a folder that holds other files and no marker
is refused, never emptied, and files a user puts beside the marker are left
alone.  An update commits inside the live generation (Whoosh writes new
segment files and then renames a new table of contents into place); a
rebuild writes a new generation beside it and swaps it in by replacing the
marker atomically, then deletes the generation it replaced.  A build killed
at any moment leaves the previous generation answering.
"""

from __future__ import annotations

import fcntl
import gc
import json
import os
import pickle
import re
import shutil
import struct
import warnings
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

from ..errors import (IndexDamagedError, IndexLockedError, IndexMissingError, IndexReadOnlyError,
                      NotAnIndexError, SearchError)
from .schema import SCHEMA_VERSION

MARKER = "search-index.json"
LOCK = ".lock"
MANIFEST = "manifest.json"
FORMAT = "search-index"
#: The folder of one generation of the index.
_GENERATION = re.compile(r"gen-(\d+)")
#: Files of the first layout, which kept Whoosh's files in the index folder
#: itself; a rebuild replaces them (they are recognised, never guessed).
_LEGACY = re.compile(r"manifest\.json|_MAIN_\d+\.toc|MAIN_\w+\.seg|MAIN_WRITELOCK|MAIN\.tmp")
INDEX_ENV = "SEARCH_INDEX"
#: What Whoosh raises when its files are truncated, missing or garbage.
READ_ERRORS = (OSError, EOFError, ValueError, IndexError, KeyError, struct.error, zlib.error,
               pickle.UnpicklingError)


def default_index_path() -> Path:
    return Path(os.environ.get(INDEX_ENV) or Path("indexes") / "default")


def index_option(path: Path) -> str:
    """`` --index PATH`` when the path is not the default, for the commands
    a message suggests."""
    try:
        default = path.resolve() == default_index_path().resolve()
    except OSError:
        default = False
    return "" if default else f" --index {path}"


def rebuild_hint(path: Path) -> str:
    return f"run `search index --rebuild{index_option(path)}` to build it again"


# -- what a folder is ------------------------------------------------------------

def read_marker(path: Path) -> Optional[dict]:
    try:
        data = json.loads((path / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def _foreign(path: Path) -> list[str]:
    """Names in the folder that an index of this engine would not hold."""
    if read_marker(path) is not None:
        return []
    legacy = set(_legacy_files(path))
    return sorted(p.name for p in path.iterdir() if not _owned(p) and p not in legacy)


def _owned(item: Path) -> bool:
    """A name a build writes (a first build killed before its marker leaves
    a lock and a generation, and no marker yet)."""
    name = item.name
    return (name == LOCK or name.startswith(f".{MARKER}.")
            or (item.is_dir() and bool(_GENERATION.fullmatch(name))))


def _legacy_files(path: Path) -> list[Path]:
    """The files of an index of the first layout in the folder, if it holds
    one: its manifest (with the keys that layout wrote) and Whoosh's table
    of contents must both be there, so a user's own manifest.json is never
    taken for one."""
    if not (path / MANIFEST).is_file() or not any(path.glob("_MAIN_*.toc")):
        return []
    try:
        data = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict) or not {"version", "files"} <= data.keys():
        return []
    return [p for p in path.iterdir() if _LEGACY.fullmatch(p.name)]


def is_legacy(path: Path) -> bool:
    """An index of the first layout (no marker, Whoosh's files in the folder)."""
    return read_marker(path) is None and bool(_legacy_files(path))


def claim(path: Path) -> None:
    """Make sure a build may write at ``path``: a new or empty folder, or a
    search index.  Anything else is refused before a byte is written."""
    if path.exists() and not path.is_dir():
        raise NotAnIndexError(f"{path} is a file, not an index folder; give --index a new or empty folder")
    if path.is_dir():
        foreign = _foreign(path)
        if foreign:
            shown = ", ".join(foreign[:3]) + (", …" if len(foreign) > 3 else "")
            raise NotAnIndexError(
                f"{path} is not a search index (no {MARKER}) and holds other files ({shown}); "
                f"nothing was changed: give --index a new or empty folder")
        return
    try:
        path.mkdir(parents=True)
    except PermissionError:
        raise _read_only(path) from None


def _read_only(path: Path) -> IndexReadOnlyError:
    return IndexReadOnlyError(f"cannot write the index at {path}: permission denied; "
                              f"build it in a folder you may write, with --index PATH")


# -- generations --------------------------------------------------------------------

def live_generation(path: Path) -> Optional[Path]:
    """The folder of the generation the marker names, if any."""
    marker = read_marker(path)
    name = marker.get("generation") if marker else None
    if not isinstance(name, str) or not _GENERATION.fullmatch(name):
        return None
    return path / name


def generations(path: Path) -> list[Path]:
    return sorted((p for p in path.iterdir() if p.is_dir() and _GENERATION.fullmatch(p.name)),
                  key=lambda p: int(p.name[4:])) if path.is_dir() else []


def new_generation(path: Path) -> Path:
    """An empty folder for the next generation."""
    found = generations(path)
    number = int(found[-1].name[4:]) + 1 if found else 1
    folder = path / f"gen-{number}"
    folder.mkdir()
    return folder


def publish(path: Path, generation: Path) -> None:
    """Make ``generation`` the live one (one atomic rename of the marker),
    then delete what it replaces: earlier generations and the files of an
    index of the first layout."""
    _write_json(path / MARKER, {"format": FORMAT, "version": SCHEMA_VERSION, "generation": generation.name})
    clear_leftovers(path)


def clear_leftovers(path: Path) -> None:
    """Delete generations other than the live one (replaced, or left by a
    killed build) and, once a marker exists, the first layout's files."""
    live = live_generation(path)
    if live is None:
        return
    for folder in generations(path):
        if folder != live:
            shutil.rmtree(folder, ignore_errors=True)
    for item in _legacy_files(path):
        shutil.rmtree(item, ignore_errors=True) if item.is_dir() else item.unlink(missing_ok=True)
    for item in path.glob(f".{MARKER}.*"):
        item.unlink(missing_ok=True)


# -- manifest ----------------------------------------------------------------------

def read_manifest(path: Path) -> dict:
    """The manifest of the live generation ({} if there is none)."""
    generation = live_generation(path)
    return read_generation_manifest(generation) if generation else {}


def read_generation_manifest(generation: Path) -> dict:
    try:
        data = json.loads((generation / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_manifest(generation: Path, manifest: dict) -> None:
    _write_json(generation / MANIFEST, manifest)


def _write_json(target: Path, data: dict) -> None:
    write_file(target, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def write_file(target: Path, data: bytes) -> None:
    """Write a file of the index whole or not at all: a reader sees the old
    file or the new one, never half of one."""
    tmp = target.parent / f".{target.name}.{os.getpid()}"
    tmp.write_bytes(data)
    os.replace(tmp, target)


def write_pickle(target: Path, data: object) -> None:
    write_file(target, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


def read_pickle(path: Path) -> Optional[object]:
    """What a file of the index written by :func:`write_pickle` holds; None
    when it is missing or cannot be read (it is then made again)."""
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError, IndexError):
        return None


# -- opening -----------------------------------------------------------------------

def exists(path: Path) -> bool:
    """Whether a readable index is at ``path``."""
    try:
        open_index(path).close()
    except SearchError:
        return False
    return True


def is_current(path: Path) -> bool:
    """Whether the index was built by this version of the analysis."""
    marker = read_marker(path)
    return bool(marker) and marker.get("version") == SCHEMA_VERSION


def check_current(path: Path) -> None:
    """Refuse to search an index an earlier version of the engine built (its
    postings are laid out otherwise): IndexDamagedError with the repair."""
    if not is_current(path):
        raise IndexDamagedError(f"index at {path} was built by an earlier version; {rebuild_hint(path)}")


def open_index(path: Path):
    """The Whoosh index of the live generation; clear errors when there is
    none, when it is broken, or when the folder is not an index."""
    from whoosh import index

    for _ in range(3):
        generation = _live_or_raise(path)
        if not any(generation.glob("*.toc")):
            if live_generation(path) != generation:
                continue  # a rebuild swapped generations meanwhile
            raise IndexDamagedError(f"index at {path} has no table of contents; {rebuild_hint(path)}")
        try:
            return read_guarded(path, (Exception,), index.open_dir, str(generation))
        except IndexDamagedError:
            if live_generation(path) == generation:
                raise
    raise IndexDamagedError(f"index at {path} keeps changing while it is opened; try again")


def _live_or_raise(path: Path) -> Path:
    if not path.is_dir() or not any(path.iterdir()):
        raise IndexMissingError(f"no index at {path}: run `search index SOURCES…{index_option(path)}` to build one")
    generation = live_generation(path)
    if generation is not None and generation.is_dir():
        return generation
    if is_legacy(path):
        raise IndexDamagedError(f"index at {path} was built by an earlier version; {rebuild_hint(path)}")
    if read_marker(path) is not None or (path / MARKER).exists():
        raise IndexDamagedError(f"index at {path} has lost its live generation; {rebuild_hint(path)}")
    raise NotAnIndexError(f"{path} is not a search index (no {MARKER}); build one in a new or empty "
                          f"folder with `search index SOURCES… --index FOLDER`")


def read_guarded(path: Path, kinds: tuple, read, *args):
    """``read(*args)``, with Whoosh's errors on damaged files turned into one
    IndexDamagedError that names the index and the repair."""
    try:
        return read(*args)
    except kinds as exc:
        if isinstance(exc, SearchError):
            raise
        message = f"index at {path} cannot be read ({type(exc).__name__}: {exc}); {rebuild_hint(path)}"
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


# -- locking -----------------------------------------------------------------------

@contextmanager
def build_lock(path: Path) -> Iterator[None]:
    """Exclusive right to write the index, held by a kernel lock that a
    killed process releases by itself.  Nothing is written to take it: a
    build that changes nothing leaves the folder as it was."""
    try:
        fd = os.open(path / LOCK, os.O_RDONLY | os.O_CREAT, 0o644)
    except PermissionError:
        raise _read_only(path) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexLockedError(
                f"index at {path} is locked by PID {lock_holder(path) or '?'}, which is building it; "
                f"wait for it to finish"
            ) from None
        if not os.access(path, os.W_OK):
            raise _read_only(path)
        yield
    finally:
        os.close(fd)


def lock_holder(path: Path) -> Optional[int]:
    """The PID holding the build lock, read from the kernel's table of
    locks (Linux); None when it is free or cannot be told."""
    try:
        inode = (path / LOCK).stat().st_ino
        table = Path("/proc/locks").read_text()
    except OSError:
        return None
    for line in table.splitlines():
        fields = line.split()
        # "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"
        if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5].split(":")[-1] == str(inode):
            return int(fields[4])
    return None
