"""What a build tells a person watching it: one line, rewritten as it goes.

Workers report increments (records, paragraphs, words, bytes) a few times
a second while they read, so a single big file shows its records and
bytes from the first seconds; a file counts as done once all its pieces
are.
"""

from __future__ import annotations

import time


class ProgressLine:
    """Lines for ``say``: files done, records, megabytes read, paragraphs,
    words per second and the time left, estimated from the bytes still to
    read."""

    def __init__(self, say, files: int, size: int) -> None:
        self.say, self.files, self.size = say, files, size
        self.done = self.records = self.paragraphs = self.words = self.read = 0
        self.started = time.monotonic()

    def advance(self, name: str, records: int, paragraphs: int, words: int, size: int) -> None:
        """Work done since the last report, by whichever process did it."""
        self.records += records
        self.paragraphs += paragraphs
        self.words += words
        self.read += size
        self._say(name)

    def file_done(self, name: str) -> None:
        self.done += 1
        self._say(name)

    def _say(self, name: str) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        left = elapsed * max(self.size - self.read, 0) / max(self.read, 1)
        minutes, seconds = divmod(round(left), 60)
        self.say(f"indexing {self.done}/{self.files} files · {self.records:,} records · "
                 f"{self.read / 1e6:,.1f}/{self.size / 1e6:,.1f} MB · {self.paragraphs:,} paragraphs · "
                 f"{self.words / elapsed:,.0f} words/s · about {minutes}:{seconds:02d} left · {name}")
