"""The lexicon's data files: where they are and how a line reads.

A file holds one pair a line, ``Ukrainian <TAB> Russian``, and may add a
third column (a note); ``#`` starts a comment line.  The package's own files
sit beside this module and are read with :mod:`importlib.resources`, so an
installed package finds them as a checkout does.
"""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

#: The languages of a file's first and second columns.
COLUMNS = ("uk", "ru")
LEGAL = "legal_uk_ru.tsv"
GENERAL = "general_uk_ru.tsv"
FALSE_FRIENDS = "false_friends_uk_ru.tsv"


def data_file(name: str) -> Traversable:
    """One of the package's data files."""
    return resources.files(__package__) / name


def read_pairs(source: Path | Traversable) -> list[tuple[str, str]]:
    """The (Ukrainian, Russian) pair of every line, as written.

    Raises ValueError naming the line where one has no two sides."""
    pairs = []
    text = source.read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        sides = [side.strip() for side in line.split("\t")]
        if len(sides) < 2 or not sides[0] or not sides[1]:
            raise ValueError(f"{source}:{number}: a line is 'Ukrainian<TAB>Russian', not {line!r}")
        pairs.append((sides[0], sides[1]))
    return pairs
