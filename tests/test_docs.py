"""The README's promises: its example runs, every command is documented."""

import os
import re
import shutil
import subprocess
import sys

from click.testing import CliRunner

from search.cli import main

from .conftest import ROOT, SOURCES

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_library_example_runs(tmp_path):
    code = re.search(r"## Library use\n\n```python\n(.*?)```", README, re.S).group(1)
    shutil.copytree(SOURCES, tmp_path / "sources")
    env = {k: v for k, v in os.environ.items() if k != "SEARCH_INDEX"}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "Решение 4/4" in done.stdout and "q2 bad query" in done.stdout


def test_every_command_has_help_with_an_example_and_is_in_the_readme():
    for name in main.commands:
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "Example" in result.stdout, name
        assert f"search {name}" in README, name
    assert "--index" in CliRunner().invoke(main, ["kwic", "--help"]).stdout


def test_exit_codes_in_readme_match_the_errors():
    from search import errors

    table = README.split("## Exit codes")[1].split("\n## ")[0]
    codes = {value for name, value in vars(errors).items() if name.startswith("EXIT_")}
    assert {int(c) for c in re.findall(r"^\| (\d+) \|", table, re.M)} == codes
    for cls in vars(errors).values():
        if isinstance(cls, type) and issubclass(cls, errors.SearchError):
            assert cls.exit_code in codes, cls
