"""Results to text for people and to JSON, JSON Lines, CSV or TREC for
programs; help texts that read cleanly."""

import io
import json
import re

import click
import pytest
from click.testing import CliRunner

from search import Engine
from search.batch import BatchResult
from search.cli import main
from search.models import Hit, Match, Results
from search.render import BatchWriter, render, render_kwic
from search.concordance import Line


def hit(rank, score, text, matches, **fields):
    base = dict(id=f"law:{rank}", doc="law", title="Закон", citation=f"Закон, ст. {rank}", part="Закон",
                section="", article=str(rank), paragraph="", kind="body", lang="uk")
    return Hit(rank=rank, score=score, text=text, matches=tuple(matches), snippet="", **{**base, **fields})


RESULTS = Results("група", 7, (
    hit(1, 7.9412, "Злочинна група діє.", [Match(9, 14, "група")]),
    hit(2, 5.5, "Групи держав.", [Match(0, 5, "Групи")]),
))


def test_text_output_whole():
    assert render(RESULTS, "text") == (
        "  1. Закон, ст. 1  [law · uk · 7.94]\n"
        "     Злочинна **група** діє.\n"
        "  2. Закон, ст. 2  [law · uk · 5.50]\n"
        "     **Групи** держав.\n"
        "2 of 7 matching paragraphs")
    second_page = Results("група", 12, RESULTS.hits, offset=10)
    assert render(second_page, "text").endswith("\n11–12 of 12 matching paragraphs")


def test_colour_marks_instead_of_stars():
    shown = render(RESULTS, "text", color=True)
    assert "\x1b[1;33mгрупа\x1b[0m" in shown and "**" not in shown


def test_machine_formats():
    data = json.loads(render(RESULTS, "json"))
    assert list(data) == ["query", "total", "offset", "hits"]
    assert list(data["hits"][0])[:11] == ["rank", "score", "doc", "title", "citation", "article", "paragraph",
                                          "lang", "text", "snippet", "matched"]
    assert data["hits"][0]["matches"] == [[9, 14]] and data["hits"][0]["matched"] == ["група"]
    lines = render(RESULTS, "jsonl").split("\n")
    assert [json.loads(line)["rank"] for line in lines] == [1, 2]
    assert render(Results("x", 0), "jsonl") == ""
    assert render(RESULTS, "csv").split("\n")[0] == "rank,score,doc,citation,article,paragraph,lang,snippet,id"


def test_trec_and_csv_batch_rows():
    out = io.StringIO()
    writer = BatchWriter(out, "trec", tag="run 1")
    writer.write(BatchResult("q 1", "група", RESULTS))
    writer.write(BatchResult("q2", '"bad', error="bad query"))
    assert out.getvalue() == "q_1 Q0 law:1 1 7.9412 run 1\nq_1 Q0 law:2 2 5.5000 run 1\n"
    out = io.StringIO()
    BatchWriter(out, "csv").write(BatchResult("q3", "конвенцыя", Results("конвенцыя", 0, suggestions=("конвенція",))))
    assert out.getvalue().split("\n")[1] == "q3,конвенцыя,,,,,,,,конвенція"
    out = io.StringIO()
    BatchWriter(out, "tsv").write(BatchResult("q2", '"bad', error="bad query"))
    assert out.getvalue().split("\n")[1] == 'q2\t"""bad"\t\t\t\t\t\t\tbad query\t'


def test_kwic_columns_line_up():
    lines = [Line("злочинна", "група", "діє", "Закон, ст. 1", "law", "law:1", 9, 14),
             Line("ці", "групи", "держав", "Закон, ст. 2", "law", "law:2", 3, 8)]
    assert render_kwic(lines, "text", width=10).split("\n") == [
        "  злочинна  група  діє         Закон, ст. 1",
        "        ці  групи  держав      Закон, ст. 2",
    ]
    assert render_kwic([], "text", width=10) == "no occurrences"


# -- the command line, whole outputs -------------------------------------------------

@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny")
    (root / "src").mkdir()
    (root / "src" / "law.md").write_text(
        "# Закон\n\n## Стаття 1. Мета\n\n1. Злочинна група діє.\n\n2. Групи держав співпрацюють.\n",
        encoding="utf-8")
    with Engine.open(root / "ix") as engine:
        engine.index([root / "src"])
    return root / "ix"


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


SCORE = r"\d+\.\d\d"


def test_query_text_output_whole(tiny):
    result = cli("query", "група", "--index", tiny, "--color", "never")
    assert result.exit_code == 0 and result.stderr == ""
    expected = [
        rf"  1\. Закон, ст\. 1, п\. 1  \[law · uk · {SCORE}\]",
        r"     1\. Злочинна \*\*група\*\* діє\.",
        rf"  2\. Закон, ст\. 1, п\. 2  \[law · uk · {SCORE}\]",
        r"     2\. \*\*Групи\*\* держав співпрацюють\.",
        r"2 of 2 matching paragraphs",
    ]
    lines = result.stdout.rstrip("\n").split("\n")
    assert len(lines) == len(expected) and all(re.fullmatch(p, line) for p, line in zip(expected, lines)), lines


def test_empty_answers(tiny):
    assert cli("query", "відсутнє", "--index", tiny, "--format", "jsonl").stdout == ""
    past = cli("query", "група", "--index", tiny, "--offset", "5")
    assert past.stdout == "no hits past 5: 2 paragraphs match 'група'\n"
    none = cli("query", "відсутнє", "--index", tiny)
    assert none.exit_code == 0 and none.stdout == "no paragraphs match 'відсутнє'\n"


def test_kwic_and_stats_output_whole(tiny):
    assert cli("kwic", "група", "--index", tiny, "--width", "12", "--color", "never").stdout == (
        " 1. Злочинна  група  діє.          Закон, ст. 1, п. 1\n"
        "          2.  Групи  держав співп  Закон, ст. 1, п. 2\n")
    assert cli("stats", "група", "--index", tiny).stdout == (
        "група: 2 occurrences in 2 paragraphs\nforms\n       1  група\n       1  групи\n"
        "documents\n       2  law\narticles\n       2  Закон, ст. 1\n")


def commands():
    return [[]] + [[name] for name in main.commands]


@pytest.mark.parametrize("args", commands(), ids=lambda a: " ".join(a) or "search")
def test_help_reads_cleanly(args):
    result = CliRunner().invoke(main, args + ["--help"], terminal_width=100)
    assert result.exit_code == 0
    text = result.stdout
    assert "\t" not in text
    description = text.split("Options:")[0]
    for line in description.split("\n"):
        if line.startswith("      "):  # an example, as written
            continue
        assert not re.search(r"\S {3,}\S", line), line
    assert "Example" in description
