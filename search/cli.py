"""The ``search`` command: options → Engine call → rendered output.

No search logic lives here.  stdout carries results only; progress and
messages go to stderr.  Errors are turned into one-line messages and exit
codes in one place, :class:`_Group`.
"""

from __future__ import annotations

import os
import shutil
import sys
import time

import click

from . import __version__
from .errors import EXIT_INTERRUPTED, EXIT_PARTLY, EXIT_USAGE
from .lang import LABELS

index_option = click.option(
    "--index", "index_path", type=click.Path(file_okay=False), default=None,
    help="Index folder (default: $SEARCH_INDEX or indexes/default).",
)


def place_options(command):
    """The filters on where a paragraph stands, which every command shares."""
    command = click.option("--part", help="Only paragraphs of this instrument (words of its name: "
                                          "'протокол мігрантів'; search info lists them).")(command)
    command = click.option("--doc", help="Only paragraphs of this document (its id, as shown in hits; "
                                         "a trailing * takes a prefix).")(command)
    command = click.option("--lang", type=click.Choice(LABELS), help="Only paragraphs in this language.")(command)
    return command


def filter_options(command):
    """The filters every searching command shares."""
    command = click.option("--exact", is_flag=True,
                           help="Match the words as typed, without other inflections.")(command)
    return place_options(command)


def expansion_options(command):
    """How a query's words are widened: other language, synonyms."""
    command = click.option("--lexicon", "lexicon", multiple=True, type=click.Path(dir_okay=False),
                           help="A Ukrainian-Russian list to add (.tsv as the shipped one, or an Apertium "
                                ".dix); default $SEARCH_LEXICON.")(command)
    command = click.option("--synonyms", "synonyms", multiple=True, type=click.Path(dir_okay=False),
                           help="A synonym file to add (Solr format: 'a, b' and 'a => b'); default "
                                "$SEARCH_SYNONYMS.")(command)
    command = click.option("--no-translate", "translate", is_flag=True, flag_value=False, default=True,
                           help="Do not also search the words' equivalents in the other language.")(command)
    return command


def _expansion(translate, synonyms, lexicon) -> dict:
    """The engine's arguments of the expansion options (files not given:
    the environment's)."""
    return {"translate": translate, "synonyms": list(synonyms) or None, "lexicon": list(lexicon) or None}


def format_option(*choices: str, default: str = "text"):
    return click.option("--format", "fmt", type=click.Choice(choices), default=default,
                        show_default=True, help="Output format.")


color_option = click.option(
    "--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
    help="Colour matched words: on a terminal (auto; NO_COLOR turns it off), always, never.")


class _Group(click.Group):
    """Maps the engine's exceptions to a message and an exit code."""

    def invoke(self, ctx):
        from .errors import SearchError

        raw = list(ctx.args)  # the group hands them on, and clears them
        try:
            return super().invoke(ctx)
        except click.NoSuchOption as exc:
            if ctx.invoked_subcommand not in _QUERY_COMMANDS or exc.option_name.startswith("--"):
                raise
            # "-група" was meant as a query that excludes a word.
            typed = next((a for a in raw if a.startswith(exc.option_name)), exc.option_name)
            click.echo(f"search: no such option {typed!r}; a query that starts with '-' goes after '--', "
                       f"options before it: search {ctx.invoked_subcommand} [OPTIONS] -- '{typed}'", err=True)
            ctx.exit(EXIT_USAGE)
        except click.UsageError as exc:  # click's own three lines, as one
            command = f"search {ctx.invoked_subcommand}" if ctx.invoked_subcommand else "search"
            click.echo(f"{command}: {exc.format_message().rstrip('.')} (see '{command} --help')", err=True)
            ctx.exit(EXIT_USAGE)
        except SearchError as exc:
            click.echo(f"search: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("search: interrupted; the index is as it was before this run", err=True)
            ctx.exit(EXIT_INTERRUPTED)


def _say(message: str) -> None:
    click.echo(message, err=True)


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def _progress_line(message: str) -> None:
    width = shutil.get_terminal_size().columns - 1
    click.echo("\r\033[K" + message[:width], err=True, nl=False)


def _use_color(color: str = "auto") -> bool:
    if color != "auto":
        return color == "always"
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


#: Commands whose argument is a query, which may start with "-".
_QUERY_COMMANDS = ("query", "kwic", "stats", "explain")


def _echo(text: str, color: bool = False) -> None:
    """Print a command's output; an empty output prints nothing at all (an
    empty JSON Lines stream is no lines, not one empty line).  Colour is
    kept only where it was asked for or where stdout is a terminal."""
    if text:
        click.echo(text, color=color or None)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="search")
def main() -> None:
    """Morphology-aware search over Ukrainian and Russian texts.

    \b
    Example:
      search query "злочинна група"
    """


@main.command()
@click.argument("text")
@index_option
@click.option("--limit", "-n", default=10, show_default=True, type=click.IntRange(1, 10000),
              help="How many hits to show.")
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0), help="Hits to skip (paging).")
@filter_options
@expansion_options
@format_option("text", "json", "jsonl", "csv")
@color_option
def query(text, index_path, limit, offset, lang, doc, part, exact, translate, synonyms, lexicon, fmt, color):
    """Find the paragraphs that best match TEXT.

    A word finds all its forms, its equivalents in the other language and
    its synonyms; "quoted words" must stand together; AND, OR, NOT,
    (parentheses), prefix* and the filters lang:, doc:, part:, article: and
    kind: work.  A word that matches nothing gets a suggestion on stderr.  A
    query that starts with - goes after --.

    \b
    Examples:
      search query "відмивання доходів"
      search query '"торговля людьми" lang:ru' --format json
      search query 'злочин* AND article:6' --limit 3
    """
    from .engine import Engine
    from .render import render

    with Engine.open(index_path) as engine:
        if index_path is None:
            _keep_default_index_current(engine)
        results = engine.search(text, limit=limit, offset=offset, lang=lang, doc=doc, part=part, exact=exact,
                                **_expansion(translate, synonyms, lexicon))
    for note in results.notes:
        _say(f"search: note: {note}")
    if fmt != "json":  # JSON carries them in its object
        _tell_suggestions(results.suggestions)
    colored = _use_color(color) and fmt == "text"
    _echo(render(results, fmt, color=colored), colored)


def _tell_suggestions(suggestions, prefix: str = "") -> None:
    for suggestion in suggestions:
        _say(f"search: {prefix}did you mean: {suggestion}")


def _keep_default_index_current(engine) -> None:
    """The default index is built on first use and kept up to date with its
    sources (a few file stats per query)."""
    messages = {
        "missing": f"search: no index at {engine.path} yet; building it from the sources (once)…",
        "outdated": f"search: the sources of {engine.path} changed; updating the index…",
    }
    started = time.monotonic()
    report = engine.ensure_index(announce=lambda state: _say(messages[state]))
    if report is not None:
        _say(f"search: indexed {report.paragraphs} paragraphs in {time.monotonic() - started:.1f} s")
        for message in report.problems:
            _say(f"search: warning: {message}")
        for message in report.notes:
            _say(f"search: note: {message}")


@main.command()
@click.argument("sources", nargs=-1, type=click.Path())
@index_option
@click.option("--rebuild", is_flag=True, help="Build from scratch instead of updating.")
@click.option("--add", is_flag=True, help="Add SOURCES to those the index holds, instead of replacing them.")
@click.option("--workers", "-j", type=click.IntRange(1, 64), default=None,
              help="Processes that index changed files (default: $SEARCH_WORKERS or the cores, at most 4).")
@click.option("--memory", "memory_mb", type=click.IntRange(256), default=None,
              help="MB the whole build may use, all its processes together (default 1024).")
@click.option("--quiet", "-q", is_flag=True, help="No progress line (shown on a terminal only) and no summary.")
@click.option("--text-field", default=None,
              help="The field of JSON Lines records that holds the text (default: text, or the last build's).")
def index(sources, index_path, rebuild, add, workers, memory_mb, quiet, text_field):
    """Build or update the index from SOURCES (files or folders).

    Without SOURCES the folders of the last build are used (at first,
    sources/); with SOURCES the index holds those (--add: those as well).
    Unchanged files are skipped, changed ones replaced, removed ones
    dropped.  Exit code 5 means some files could not be read and were
    skipped; the rest are indexed.

    \b
    Examples:
      search index sources/
      search index ~/corpora/laws --index indexes/laws
    """
    from .engine import Engine

    # Progress is for people watching: a line rewritten in place on a
    # terminal, nothing in logs and pipes.
    live = not quiet and _stderr_is_terminal()
    started = time.monotonic()
    with Engine.open(index_path) as engine:
        report = engine.index(list(sources) or None, rebuild=rebuild, add=add,
                              progress=_progress_line if live else None,
                              workers=workers, memory_mb=memory_mb, text_field=text_field)
    if live:
        click.echo("\r\033[K", err=True, nl=False)
    for message in report.problems:
        _say(f"search: warning: {message}")
    for message in report.notes:
        _say(f"search: note: {message}")
    if not quiet:
        _say(
            f"search: {report.added} added, {report.replaced} replaced, {report.removed} removed, "
            f"{report.unchanged} unchanged; {report.paragraphs} paragraphs indexed "
            f"in {time.monotonic() - started:.1f} s"
        )
    if report.problems:
        sys.exit(EXIT_PARTLY)


@main.command()
@click.argument("file", type=click.File("rb"))
@index_option
@click.option("--out", "-o", type=click.File("w", encoding="utf-8", lazy=True), default="-",
              help="Write results here instead of stdout.")
@format_option("jsonl", "csv", "tsv", "trec", default="jsonl")
@click.option("--limit", "-n", default=10, show_default=True, type=click.IntRange(1, 10000),
              help="Hits per query.")
@filter_options
@expansion_options
@click.option("--tag", default="search", show_default=True, help="Run tag of the trec format.")
@click.option("--workers", "-j", type=click.IntRange(1, 64), default=None,
              help="Processes that search at once, for 64 queries or more (default: $SEARCH_WORKERS or the "
                   "cores, at most 4).")
def batch(file, index_path, out, fmt, limit, lang, doc, part, exact, translate, synonyms, lexicon, tag, workers):
    """Run every query of FILE (or - for stdin): one per line, or id<TAB>query.

    Blank lines and lines starting with # are skipped.  A malformed query is
    reported in its own record and on stderr, the batch goes on, and the
    exit code is 5.

    \b
    Examples:
      search batch queries.tsv --format trec --out run.trec
      printf 'q1\\tзлочинна група\\n' | search batch - --format csv
    """
    from .batch import read_batch
    from .engine import Engine, default_workers
    from .render import BatchWriter

    from .ingest.read import decode

    queries = read_batch(decode(file.read(), getattr(file, "name", "<stdin>")))
    writer = BatchWriter(out, fmt, tag=tag)
    failed = 0
    with Engine.open(index_path) as engine:
        if index_path is None:
            _keep_default_index_current(engine)
        results = engine.batch(queries, limit=limit, lang=lang, doc=doc, part=part, exact=exact,
                               workers=workers or default_workers(), **_expansion(translate, synonyms, lexicon))
        with click.progressbar(results, length=len(queries), file=sys.stderr,
                               label="queries") if sys.stderr.isatty() else _nullcontext(results) as bar:
            for result in bar:
                writer.write(result)
                if not result.ok:
                    failed += 1
                    _say(f"search: query {result.id}: {result.error}")
                else:
                    _tell_suggestions(result.results.suggestions, f"query {result.id}: ")
    if failed:
        _say(f"search: {failed} of {len(queries)} queries failed")
        sys.exit(EXIT_PARTLY)


@main.command()
@index_option
@format_option("text", "json")
def info(index_path, fmt):
    """Show where the index is, what it holds and when it was built.

    \b
    Example:
      search info --format json
    """
    from .engine import Engine
    from .render import render_info

    with Engine.open(index_path) as engine:
        click.echo(render_info(engine.info(), fmt))


@main.command()
@click.argument("term")
@index_option
@filter_options
@click.option("--width", "-w", default=40, show_default=True, type=click.IntRange(5, 500),
              help="Characters of context on each side.")
@click.option("--sort", type=click.Choice(["doc", "left", "right", "form"]), default="doc",
              show_default=True, help="Order of the lines.")
@click.option("--limit", "-n", type=click.IntRange(1), default=None, help="At most this many lines.")
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0), help="Lines to skip (paging).")
@format_option("text", "csv", "json")
@color_option
def kwic(term, index_path, lang, doc, part, exact, width, sort, limit, offset, fmt, color):
    """Every occurrence of any form of TERM, as key word in context lines.

    Several words are taken as a phrase; any query works too.

    \b
    Examples:
      search kwic "торгівля людьми" --sort right
      search kwic група --width 30 --format csv
    """
    from .engine import Engine
    from .render import kwic_pieces

    colored = _use_color(color) and fmt == "text"
    with Engine.open(index_path) as engine:
        found = engine.iter_concordance(term, width=width, sort=sort, limit=limit, offset=offset, lang=lang,
                                        doc=doc, part=part, exact=exact)
        # Written as read: the first lines come at once, however many follow.
        for piece in kwic_pieces(found, fmt, width, color=colored):
            _echo(piece, colored)


@main.command()
@click.argument("term")
@index_option
@filter_options
@click.option("--top", default=10, show_default=True, type=click.IntRange(1), help="Documents and articles to list.")
@format_option("text", "csv", "json")
def stats(term, index_path, lang, doc, part, exact, top, fmt):
    """How often TERM occurs, in which forms, in which documents and articles.

    \b
    Example:
      search stats група --format json
    """
    from .engine import Engine
    from .render import render_stats

    with Engine.open(index_path) as engine:
        click.echo(render_stats(engine.term_stats(term, top=top, lang=lang, doc=doc, part=part, exact=exact), fmt))


@main.command()
@index_option
@place_options
@click.option("--top", default=20, show_default=True, type=click.IntRange(1), help="How many lemmas.")
@click.option("--stop-words", "--all", "stop_words", is_flag=True,
              help="Keep stop words, numbers and single letters.")
@format_option("text", "csv", "json")
def terms(index_path, lang, doc, part, top, stop_words, fmt):
    """The most frequent lemmas (stop words left out unless --stop-words).

    \b
    Example:
      search terms --lang ru --top 10
    """
    from .engine import Engine
    from .render import render_terms

    with Engine.open(index_path) as engine:
        click.echo(render_terms(engine.terms(top=top, lang=lang, doc=doc, part=part, stop_words=stop_words), fmt))


@main.command()
@click.argument("text")
@index_option
@filter_options
@expansion_options
@click.option("--limit", "-n", default=3, show_default=True, type=click.IntRange(1, 100),
              help="How many top hits to explain.")
@format_option("text", "json")
def explain(text, index_path, lang, doc, part, exact, translate, synonyms, lexicon, limit, fmt):
    """Show how TEXT was analysed and why its top hits rank as they do.

    \b
    Example:
      search explain "злочинна група"
    """
    from .engine import Engine
    from .render import render_explanation

    with Engine.open(index_path) as engine:
        click.echo(render_explanation(engine.explain(text, limit=limit, lang=lang, doc=doc, part=part, exact=exact,
                                                  **_expansion(translate, synonyms, lexicon)), fmt))


@main.command()
@index_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback: only this machine).")
@click.option("--port", "-p", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free one).")
@click.option("--cors", metavar="ORIGIN", help="Let pages of this origin call the API (off by default).")
def serve(index_path, host, port, cors):
    """Serve the research web page and the JSON API over the index, at
    http://127.0.0.1:8000/ by default, until Ctrl-C.

    \b
    Example:
      search serve --index indexes/laws --port 8080
    """
    from .engine import Engine
    from .server import check_installed, serve as run

    check_installed()
    if host not in ("127.0.0.1", "localhost", "::1"):
        _say(f"search: note: serving on {host}, not only to this machine: anyone who can reach it may search "
             f"the index")
    engine = Engine.open(index_path)
    if index_path is None:
        _keep_default_index_current(engine)
    run(engine, host=host, port=port, cors=cors, say=_say)


class _nullcontext:
    """A stand-in for the progress bar when stderr is not a terminal."""

    def __init__(self, items) -> None:
        self.items = items

    def __enter__(self):
        return self.items

    def __exit__(self, *exc) -> None:
        return None
