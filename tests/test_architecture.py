"""The package's shape: stages import one way, Whoosh stays behind two of
them, and each concept has one definition."""

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "search"

#: Stages in pipeline order; a module may import its own stage and the
#: stages before it, never one after it.
ORDER = [
    ("search.lang", "search.errors", "search.models"),
    ("search.analysis",),
    ("search.ingest",),
    ("search.index",),
    ("search.query",),
    ("search.rank",),
    ("search.batch", "search.concordance", "search.explain"),
    ("search.render",),
    ("search.engine",),
    ("search.server",),  # the HTTP face; the CLI's `serve` starts it
    ("search.cli",),
    ("search.__init__", "search.__main__"),
]


def stage_of(module: str) -> tuple[int, str]:
    for level, stages in enumerate(ORDER):
        for stage in stages:
            if module == stage or module.startswith(stage + "."):
                return level, stage
    raise AssertionError(f"{module} is in no stage")


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 2 else parts)
        yield name, path, ast.parse(path.read_text(encoding="utf-8"))


def imports(name: str, path: Path, tree) -> list[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
                found += [module] if node.module else [f"{module}.{a.name}" for a in node.names]
            else:
                found.append(node.module)
    return found


MODULES = list(modules())


@pytest.mark.parametrize("name,path,tree", MODULES, ids=[m[0] for m in MODULES])
def test_stages_import_one_way(name, path, tree):
    level, stage = stage_of(name)
    for imported in imports(name, path, tree):
        if not imported.startswith("search") or imported == "search.__version__":
            continue
        other_level, other_stage = stage_of(imported)
        assert other_level < level or other_stage == stage, f"{name} imports {imported}"


@pytest.mark.parametrize("name,path,tree", MODULES, ids=[m[0] for m in MODULES])
def test_only_index_and_rank_import_whoosh(name, path, tree):
    if name.startswith(("search.index", "search.rank")):
        return
    assert not [m for m in imports(name, path, tree) if m.split(".")[0] == "whoosh"], name


def test_letters_and_apostrophes_are_defined_once():
    """Script letters and apostrophes are data of lang.py; other modules
    build on them instead of spelling them out again."""
    for name, path, _ in MODULES:
        if name == "search.lang":
            continue
        text = path.read_text(encoding="utf-8")
        assert "абвгґд" not in text and "іїєґ" not in text and "\\u0400" not in text, name
        assert not re.search(r"['’ʼ]{3}", text), name


def test_every_exit_code_is_defined_in_errors():
    for name, path, _ in MODULES:
        if name == "search.errors":
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(?:sys\.exit\(|ctx\.exit\(|exit_code\s*=)\s*\d", text), name
