"""The chosen Whoosh runs warning-free on this Python."""

import importlib.util
import warnings
from pathlib import Path

import pytest

MODULES = ["whoosh.index", "whoosh.fields", "whoosh.query", "whoosh.query.spans", "whoosh.searching",
           "whoosh.writing", "whoosh.sorting", "whoosh.analysis.filters", "whoosh.analysis.intraword",
           "whoosh.codec.whoosh3", "whoosh.reading", "whoosh.filedb.filestore", "whoosh.collectors"]


@pytest.mark.parametrize("name", MODULES)
def test_whoosh_module_compiles_without_warnings(name):
    # Compiling the source (not the cached bytecode) is what shows invalid
    # escape sequences and other syntax warnings.
    path = Path(importlib.util.find_spec(name).origin)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compile(path.read_text(encoding="utf-8"), str(path), "exec")


def test_pymorphy3_uses_the_fast_dawg_extension():
    import pymorphy3.dawg

    assert pymorphy3.dawg.EXTENSION_AVAILABLE  # the C reader of the [fast] extra
