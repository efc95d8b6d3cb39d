"""Snippets: the part of a paragraph around its matches, highlighted."""

from __future__ import annotations

from bisect import bisect_left

from ..models import Match

#: Characters of context a snippet shows around its first match.
BEFORE, AFTER = 90, 200
MARK_OPEN, MARK_CLOSE = "**", "**"


def merge_spans(spans) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def matches_of(text: str, spans) -> tuple[Match, ...]:
    return tuple(Match(s, e, text[s:e]) for s, e in merge_spans(spans))


def window(text: str, matches: tuple[Match, ...]) -> tuple[int, int]:
    """The stretch of text to show: around the densest run of matches."""
    if len(text) <= BEFORE + AFTER:
        return 0, len(text)
    best_start, best_count = 0, -1
    starts = sorted(m.start for m in matches)
    for m in matches:
        count = bisect_left(starts, m.start + AFTER) - bisect_left(starts, m.start)
        if count > best_count:
            best_start, best_count = m.start, count
    start = max(0, best_start - BEFORE)
    end = min(len(text), best_start + AFTER)
    # Cut at spaces, not inside words.
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < best_start else start
    if end < len(text):
        space = text.rfind(" ", best_start, end)
        end = space if space > best_start else end
    return start, end


def snippet(text: str, matches: tuple[Match, ...], open_mark: str = MARK_OPEN,
            close_mark: str = MARK_CLOSE) -> str:
    """The window of ``text`` with every match inside it wrapped in marks."""
    start, end = window(text, matches)
    out, cursor = [], start
    for m in matches:
        if m.start < start or m.end > end:
            continue
        out += [text[cursor:m.start], open_mark, text[m.start:m.end], close_mark]
        cursor = m.end
    out.append(text[cursor:end])
    body = "".join(out).replace("\n", " ")
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")
