import shutil
from pathlib import Path

import pytest

from search import Engine

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "sources"


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory) -> Path:
    """An index of the bundled sources, built once for the whole run."""
    path = tmp_path_factory.mktemp("bundled") / "index"
    with Engine.open(path) as engine:
        engine.index([SOURCES])
    return path


@pytest.fixture(scope="session")
def engine(bundled_index):
    with Engine.open(bundled_index) as eng:
        yield eng


@pytest.fixture
def sources_copy(tmp_path) -> Path:
    """A private copy of the bundled sources a test may change."""
    target = tmp_path / "sources"
    shutil.copytree(SOURCES, target)
    return target


def sources_with_copy(root: Path) -> Path:
    """The bundled sources under ``root`` with a third file: the Ukrainian
    text again, "група" written "групи" (enough paragraphs for several
    segments); the folder."""
    target = root / "sources"
    shutil.copytree(SOURCES, target)
    text = (target / "untoc-uk.txt").read_text(encoding="utf-8")
    (target / "copy.txt").write_text(text.replace("група", "групи"), encoding="utf-8")
    return target
