"""Find source files, decode their bytes, and yield documents.

The encoding comes from the bytes, never from the file name: a BOM first,
then strict UTF-8, then charset-normalizer limited to the Cyrillic 8-bit
code pages (cp1251, KOI8-U/R, …) that Ukrainian and Russian texts arrive in.
"""

from __future__ import annotations

import codecs
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..errors import SourceError

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl")
CYRILLIC_CODEPAGES = ["cp1251", "koi8_u", "koi8_r", "mac_cyrillic", "cp866", "iso8859_5"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Signatures of binary formats that are sometimes saved with a text name.
_BINARY_MAGIC = (b"\x89PNG", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"GIF8", b"\xff\xd8\xff")


@dataclass(frozen=True)
class Document:
    """One document of a source: a whole file, or one JSON Lines record."""

    source: str
    doc: str
    text: str
    format: str  # "text", "markdown", "html"
    title: str = ""
    lang: str = ""  # a hint from the source; paragraphs still decide for themselves


def discover(roots: list[Path]) -> list[Path]:
    """Every supported file under the roots, sorted, each once.

    Symbolic links to folders are not followed (they can loop); links to
    files are read as the file they point to.
    """
    found: dict[str, Path] = {}
    for root in roots:
        root = Path(root)
        if root.is_file():
            candidates = [root]
        elif root.is_dir():
            candidates = [
                Path(folder) / name
                for folder, dirs, files in os.walk(root, followlinks=False)
                for name in files
                if not name.startswith(".")
            ]
        else:
            raise SourceError(root, "no such file or folder")
        for path in candidates:
            if path.suffix.lower() in SUFFIXES:
                found.setdefault(str(path.resolve()), path.resolve())
    return [found[k] for k in sorted(found)]


def decode(data: bytes, path: object = "<bytes>") -> str:
    """Decode source bytes, detecting the encoding; raise SourceError if they
    are not text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise SourceError(path, f"invalid {encoding} after its BOM at byte {exc.start}") from None
    if data.startswith(_BINARY_MAGIC) or b"\x00" in data[:4096]:
        raise SourceError(path, "binary data, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    import charset_normalizer  # only paid for when a file is not UTF-8

    best = charset_normalizer.from_bytes(data, cp_isolation=CYRILLIC_CODEPAGES).best()
    if best is None:
        raise SourceError(path, "not UTF-8 and no Cyrillic code page fits its bytes")
    return str(best)


def read_documents(path: Path) -> Iterator[Document]:
    """The documents of one source file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(path, f"cannot read: {exc.strerror or exc}") from None
    if not data.strip():
        raise SourceError(path, "empty file")
    text = decode(data, path)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _jsonl_documents(path, text)
        return
    fmt = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}.get(suffix, "text")
    yield Document(source=str(path), doc=path.stem, text=text, format=fmt)


def _jsonl_documents(path: Path, text: str) -> Iterator[Document]:
    seen = 0
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SourceError(path, f"line {number}: not JSON ({exc.msg})") from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise SourceError(path, f"line {number}: a record needs a string field 'text'")
        seen += 1
        doc = str(record.get("id") or f"{path.stem}:{number}")
        yield Document(
            source=str(path),
            doc=doc,
            text=record["text"],
            format="text",
            title=str(record.get("title") or ""),
            lang=str(record.get("lang") or ""),
        )
    if not seen:
        raise SourceError(path, "no records")
