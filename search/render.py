"""Results → text for people, or JSON / JSON Lines / CSV for programs.

Formatting lives here only; commands pick a function by ``--format``.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from typing import Callable, Iterator

from .models import Hit, Results
from .rank.snippets import snippet

# Hit fields in the machine formats, in this order.  Benchmarks and users'
# scripts depend on these names: add, never rename.
HIT_FIELDS = ("rank", "score", "doc", "title", "citation", "article", "paragraph",
              "lang", "text", "snippet", "matched")
CSV_FIELDS = ("rank", "score", "doc", "citation", "article", "paragraph", "lang", "snippet", "id")


def hit_dict(hit: Hit) -> dict:
    full = hit.to_dict()
    data = {name: full[name] for name in HIT_FIELDS}
    data.update({k: v for k, v in full.items() if k not in data})
    return data


def as_json(results: Results, style: "Style") -> str:
    return json.dumps({**results.to_dict(), "hits": [hit_dict(h) for h in results.hits]},
                      ensure_ascii=False, indent=2)


def as_jsonl(results: Results, style: "Style") -> str:
    return "\n".join(
        json.dumps({"query": results.query, **hit_dict(h)}, ensure_ascii=False) for h in results.hits
    )


def as_csv(results: Results, style: "Style") -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for hit in results.hits:
        data = hit.to_dict()
        writer.writerow([data[name] if name != "score" else f"{hit.score:.4f}" for name in CSV_FIELDS])
    return out.getvalue().rstrip("\n")


class Style:
    """How text output marks things: ANSI colours on a terminal, plain marks
    elsewhere."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def mark(self) -> tuple[str, str]:
        """Opening and closing marks of a highlighted word."""
        return ("\x1b[1;33m", "\x1b[0m") if self.color else ("**", "**")

    def strong(self, text: str) -> str:
        return f"\x1b[1m{text}\x1b[0m" if self.color else text

    def dim(self, text: str) -> str:
        return f"\x1b[2m{text}\x1b[0m" if self.color else text


def as_text(results: Results, style: Style) -> str:
    if not results.hits:
        if results.total:
            return f"no hits past {results.offset}: {results.total} paragraphs match {results.query!r}"
        return f"no paragraphs match {results.query!r}"
    lines = []
    open_mark, close_mark = style.mark()
    for hit in results.hits:
        # How it matched, when not (only) in the query's own words.
        how = "".join(f" · {kind}" for kind in hit.how if kind != "literal")
        head = f"{hit.rank:>3}. {style.strong(hit.citation)}  {style.dim(f'[{hit.doc} · {hit.lang}{how} · {hit.score:.2f}]')}"
        lines.append(head)
        lines.append("     " + snippet(hit.text, hit.matches, open_mark, close_mark))
    first = results.offset + 1
    shown = f"{first}–{results.offset + len(results.hits)}" if results.offset else f"{len(results.hits)}"
    lines.append(style.dim(f"{shown} of {results.total} matching paragraphs"))
    return "\n".join(lines)


RENDERERS: dict[str, Callable[[Results, Style], str]] = {
    "text": as_text, "json": as_json, "jsonl": as_jsonl, "csv": as_csv,
}


def render(results: Results, fmt: str, color: bool = False) -> str:
    return RENDERERS[fmt](results, Style(color))


# -- batch output --------------------------------------------------------------

BATCH_COLUMNS = ("query_id", "query", "rank", "score", "doc", "citation", "snippet", "id", "error",
                 "suggestion")


class BatchWriter:
    """Streams batch results to a text file as JSON Lines, CSV, TSV or a
    TREC run."""

    def __init__(self, out, fmt: str, tag: str = "search") -> None:
        self.out, self.fmt, self.tag = out, fmt, tag
        self.rows = None
        if fmt in ("csv", "tsv"):
            self.rows = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
            self.rows.writerow(BATCH_COLUMNS)

    def write(self, result) -> None:
        if self.fmt == "jsonl":
            data = result.to_dict()
            if result.ok:
                data["hits"] = [hit_dict(h) for h in result.results.hits]
            self.out.write(json.dumps(data, ensure_ascii=False) + "\n")
        elif self.fmt == "trec":
            for hit in result.results.hits if result.ok else ():
                # qid Q0 docno rank score tag; TREC fields hold no spaces
                docno = "_".join(hit.id.split())
                qid = "_".join(result.id.split())
                self.out.write(f"{qid} Q0 {docno} {hit.rank} {hit.score:.4f} {self.tag}\n")
        elif not result.ok:
            self.rows.writerow([result.id, result.query, "", "", "", "", "", "", result.error, ""])
        else:
            suggestion = " | ".join(result.results.suggestions)
            for hit in result.results.hits:
                self.rows.writerow([result.id, result.query, hit.rank, f"{hit.score:.4f}", hit.doc,
                                    hit.citation, hit.snippet, hit.id, "", suggestion])
            if not result.results.hits:  # a query that found nothing still has its row
                self.rows.writerow([result.id, result.query, "", "", "", "", "", "", "", suggestion])


def render_info(info, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(info.to_dict(), ensure_ascii=False, indent=2)
    lines = [f"index     {info.path}", f"built     {info.built}",
             f"size      {info.size_bytes / 1e6:.1f} MB on disk",
             f"paragraphs {info.paragraphs}"]
    lines += [f"  {lang:<6} {n}" for lang, n in sorted(info.langs.items())]
    lines.append("instruments (part:)")
    lines += [f"  {n:>6}  {part or '(none: before the first instrument, or a text without one)'}"
              for part, n in sorted(info.parts.items(), key=lambda x: -x[1])[:50]]
    lines.append("documents")
    lines += [f"  {doc:<30} {n}" for doc, n in sorted(info.docs.items(), key=lambda x: -x[1])[:50]]
    if len(info.docs) > 50:
        lines.append(f"  … and {len(info.docs) - 50} more")
    lines.append("sources")
    lines += [f"  {s['path']}  {s['size']} bytes  {s['mtime']}  {s['paragraphs']} paragraphs"
              for s in info.sources]
    return "\n".join(lines)


# -- research output -------------------------------------------------------------

def _table(header, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().rstrip("\n")


#: Concordance lines rendered together: a long concordance is written a
#: piece at a time, and the text format aligns its key column over a piece.
KWIC_PIECE = 1000


def render_kwic(found, fmt: str, width: int, color: bool = False) -> str:
    return "\n".join(kwic_pieces(found, fmt, width, color))


def kwic_pieces(found, fmt: str, width: int, color: bool = False) -> Iterator[str]:
    """Concordance lines rendered a piece at a time, as they come; the
    pieces, joined by newlines, are the whole rendering."""
    pieces = _batches(found, KWIC_PIECE)
    if fmt == "json":
        yield from _json_array((line.to_dict() for piece in pieces for line in piece))
        return
    if fmt == "csv":
        header = ("left", "form", "right", "citation", "doc", "id", "start", "end")
        first = True
        for piece in pieces:
            rows = _table(header, ([l.left, l.form, l.right, l.citation, l.doc, l.id, l.start, l.end] for l in piece))
            yield rows if first else rows.split("\n", 1)[1]  # the header once
            first = False
        if first:
            yield _table(header, [])
        return
    style = Style(color)
    # The key column is marked by its place; colour only where there is colour.
    open_mark, close_mark = style.mark() if color else ("", "")
    empty = True
    for piece in pieces:
        empty = False
        form_width = max(len(l.form) for l in piece)
        yield "\n".join(
            f"{l.left:>{width}}  {open_mark}{l.form:<{form_width}}{close_mark}  {l.right:<{width}}  {style.dim(l.citation)}"
            for l in piece
        )
    if empty:
        yield "no occurrences"


def _batches(items, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _json_array(items) -> Iterator[str]:
    """``json.dumps(list(items), indent=2)`` an element at a time."""
    previous = None
    for item in items:
        if previous is None:
            yield "["
        else:
            yield previous + ","
        previous = textwrap.indent(json.dumps(item, ensure_ascii=False, indent=2), "  ")
    yield "[]" if previous is None else previous + "\n]"


def render_stats(stats, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(stats.to_dict(), ensure_ascii=False, indent=2)
    if fmt == "csv":
        rows = [("total", "", stats.total)] + [("form", f, n) for f, n in stats.forms]
        rows += [("doc", d, n) for d, n in stats.docs] + [("article", a, n) for a, n in stats.articles]
        return _table(("kind", "value", "count"), rows)
    lines = [f"{stats.term}: {stats.total} occurrences in {stats.paragraphs} paragraphs", "forms"]
    lines += [f"  {n:>6}  {f}" for f, n in stats.forms]
    lines.append("documents")
    lines += [f"  {n:>6}  {d}" for d, n in stats.docs]
    lines.append("articles")
    lines += [f"  {n:>6}  {a}" for a, n in stats.articles]
    return "\n".join(lines)


def render_terms(pairs, fmt: str) -> str:
    if fmt == "json":
        return json.dumps([{"lemma": t, "count": n} for t, n in pairs], ensure_ascii=False, indent=2)
    if fmt == "csv":
        return _table(("lemma", "count"), pairs)
    return "\n".join(f"{n:>7}  {t}" for t, n in pairs)


def render_explanation(explanation, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(explanation.to_dict(), ensure_ascii=False, indent=2)
    lines = [f"query   {explanation.query}", f"parsed  {explanation.tree}", "words"]
    for word in explanation.words:
        lines.append(f"  {word.word}  forms: {', '.join(word.forms)}")
        for lang, found in word.lemmas.items():
            how = "dictionary" if found["known"] else "predicted"
            lines.append(f"    {lang}: {', '.join(found['lemmas'])} ({how})")
    if explanation.expansions:
        lines.append("other words")
        for e in explanation.expansions:
            lang = f"{e['lang']}, " if e["lang"] else ""
            lines.append(f"  {e['item']} → {e['text']}  ({e['kind']}: {lang}{e['source']})")
    lines.append(f"search  {explanation.compiled}")
    if explanation.tiered:
        lines.append("ranking by tier: items matched (in any words, or through the article's title), then "
                     "matched in the text itself, then not a bare heading, then in the query's own words, "
                     "then in the text in any words, then in exact form, then in most likely reading; "
                     "then relevance")
    else:
        lines.append("ranking by relevance (alternatives joined by OR have no tiers)")
    lines.append("score   tier + relevance / (relevance + 1); relevance = BM25F + proximity")
    for hit in explanation.hits:
        terms = ", ".join(f"{field}:{term}" for field, term in hit.terms)
        lines.append(f"  {hit.rank}. {hit.citation}  score {hit.score:.4f}")
        lines.append(f"     tier {hit.tier}: {hit.items_matched} items matched ({', '.join(hit.how)}), "
                     f"{hit.items_exact} in exact form, {hit.items_likely} in most likely reading")
        lines.append(f"     relevance {hit.relevance} = BM25F {hit.bm25f} + proximity {hit.proximity}; terms {terms}")
    return "\n".join(lines)
