"""Find source files, decode their bytes, and yield documents.

The encoding comes from the bytes, never from the file name: a BOM first,
then strict UTF-8, then charset-normalizer limited to the Cyrillic 8-bit
code pages (cp1251, KOI8-U/R, …) that Ukrainian and Russian texts arrive in.
"""

from __future__ import annotations

import codecs
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

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


def discover(roots: list[Path], problems: Optional[list[SourceError]] = None) -> list[Path]:
    """Every supported regular file under the roots, sorted, each once.

    Symbolic links to folders are not followed (they can loop); links to
    files are read as the file they point to.  What cannot be listed (a
    link loop, an unreadable folder, a folder with no supported file) is
    described in ``problems`` when a list is given, else raised.
    """
    found: dict[str, Path] = {}
    report = problems.append if problems is not None else None

    def problem(where: object, what: str) -> None:
        if report is None:
            raise SourceError(where, what)
        report(SourceError(where, what))

    for root in roots:
        root = Path(root)
        if root.is_file():
            candidates = [root]
        elif root.is_dir():
            candidates = [
                Path(folder) / name
                for folder, dirs, files in os.walk(
                    root, followlinks=False,
                    onerror=lambda exc: problem(exc.filename, f"cannot list: {exc.strerror}"))
                for name in files
                if not name.startswith(".")
            ]
        else:
            problem(root, "no such file or folder")
            continue
        before = len(found)
        for path in candidates:
            if path.suffix.lower() not in SUFFIXES:
                continue
            try:
                real = path.resolve(strict=True)
            except (OSError, RuntimeError):
                problem(path, "a broken or looping symbolic link")
                continue
            if not real.is_file():  # a FIFO or device would block or never end
                problem(path, "not a regular file")
                continue
            found.setdefault(str(real), real)
        if len(found) == before and root.is_dir():
            problem(root, "no .txt, .md, .html or .jsonl files")
    return [found[k] for k in sorted(found)]


def decode(data: bytes, path: object = "<bytes>", warnings: Optional[list[str]] = None) -> str:
    """Decode source bytes, detecting the encoding; raise SourceError if they
    are not text.  UTF-8 with a few broken bytes is decoded with U+FFFD in
    their place and a note in ``warnings``."""
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
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127) - bad
    if good >= 10 * bad:  # UTF-8 with damage, not another encoding
        if warnings is not None:
            warnings.append(f"{path}: {bad} invalid UTF-8 byte sequence(s), first at byte {first_bad}; "
                            f"replaced with U+FFFD")
        return text
    import charset_normalizer  # only paid for when a file is not UTF-8

    best = charset_normalizer.from_bytes(data, cp_isolation=CYRILLIC_CODEPAGES).best()
    if best is None:
        raise SourceError(path, "not UTF-8 and no Cyrillic code page fits its bytes")
    return str(best)


@dataclass(frozen=True)
class Loaded:
    """A source file read once: its documents, the hash of the bytes they
    came from, and what was wrong but not fatal."""

    documents: tuple[Document, ...]
    sha256: str
    warnings: tuple[str, ...]


def load(path: Path, text_field: str = "text") -> Loaded:
    """Read, hash and decode one source file into its documents
    (``text_field``: the field of a JSON Lines record that holds its text).
    A JSON Lines file is read record by record (:mod:`search.ingest.jsonl`)."""
    if path.suffix.lower() == ".jsonl":
        from .jsonl import Records, merge, scan

        scanned = scan(path, scanned_whole(), text_field)
        records = Records(path, scanned.pieces[0], scanned.encoding, scanned.errors, text_field, scanned.renamed)
        documents = tuple(records)
        warnings = list(scanned.warnings) + merge(path, [records.report], text_field, scanned.renamed_warnings)
        return Loaded(documents, scanned.sha256, tuple(warnings))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(path, f"cannot read: {exc.strerror or exc}") from None
    if not data.strip():
        raise SourceError(path, "empty file")
    warnings: list[str] = []
    text = decode(data, path, warnings)
    fmt = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}.get(path.suffix.lower(), "text")
    documents = (Document(source=str(path), doc=path.stem, text=text, format=fmt),)
    return Loaded(documents, hashlib.sha256(data).hexdigest(), tuple(warnings))


def scanned_whole() -> int:
    """A piece length no file reaches: the whole file is one piece."""
    return 1 << 62
