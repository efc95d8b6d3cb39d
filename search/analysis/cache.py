"""Word lists analysed once per machine and kept on disk.

Reading the lexicon's two curated lists means finding the lemmas of about
five thousand words (a quarter of a second), the synonym tables another six
hundred: time every fresh process would pay on its first query.  The
analysed tables are kept in the user's cache folder (``$SEARCH_CACHE``,
else ``$XDG_CACHE_HOME/search``, else ``~/.cache/search``) under a name that
digests everything the analysis depends on: the lists' bytes, the code that
analyses them and the versions of pymorphy3 and its dictionaries.  A changed list, module or dictionary
therefore never reads a stale table.  A cache that cannot be read or
written is simply not used.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Callable, Optional, Sequence

#: Modules whose code decides what an analysed table holds.
_CODE = ("lexicon/bilingual.py", "synonyms.py", "morph.py", "normalize.py", "tokenize.py", "../lang.py")
_DISTRIBUTIONS = ("pymorphy3", "pymorphy3-dicts-uk", "pymorphy3-dicts-ru")
FORMAT = 1


def folder() -> Path:
    explicit = os.environ.get("SEARCH_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "search"


def _digest(kind: str, texts: Sequence[bytes]) -> str:
    digest = hashlib.sha256(f"{kind} {FORMAT}".encode())
    analysis = Path(__file__).resolve().parent
    for name in _CODE:
        digest.update((analysis / name).read_bytes())
    for name in _DISTRIBUTIONS:
        try:
            digest.update(f"{name} {metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} none".encode())
    for text in texts:
        digest.update(len(text).to_bytes(8, "little") + text)
    return digest.hexdigest()[:32]


def cached(kind: str, texts: Sequence[bytes], build: Callable[[], object]) -> object:
    """What ``build()`` makes of ``kind`` of lists with these bytes: read
    from the cache when it holds it, else built and stored for the next
    process."""
    try:
        path = folder() / f"{kind}-{_digest(kind, texts)}.pickle"
    except OSError:
        return build()
    found = _read(path)
    if found is None:
        found = build()
        _write(path, found)
    return found


def _read(path: Path) -> Optional[object]:
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError, IndexError):
        return None  # missing, unreadable or damaged: built again and replaced


def _write(path: Path, found: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole under a temporary name, then renamed: a process
        # reading at the same time sees the old file or the new, never half.
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(found, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass  # a read-only home: the next process builds it again
