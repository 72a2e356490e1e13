"""Progress of a long run: a bar on a terminal, plain lines in a log.

On a terminal the bar is redrawn in place with the count, the last student
and an estimate of the time left; anywhere else (CI, a pipe, a log file)
every finished item is one line, so a log shows what was done before a crash.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

BAR_WIDTH = 24


def _duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class Progress:
    """Reports ``done / total`` as items finish."""

    def __init__(self, total: int, *, stream: TextIO | None = None, verb: str = "graded", bar: bool | None = None) -> None:
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self.verb = verb
        self.bar = self.stream.isatty() if bar is None else bar
        self.started = time.monotonic()
        self._drawn = False

    def advance(self, item: str, summary: str = "", *, verb: str | None = None) -> None:
        """One more item finished; ``summary`` says how it went (e.g. ``8.5/10``).

        ``verb`` replaces the run's verb on this line for an item that went another way
        ("could not grade"), so the lines of each kind add up to the counts of the run's summary.
        """
        self.done += 1
        if self.bar:
            self._draw(item)
        else:
            detail = f": {summary}" if summary else ""
            print(f"[{self.done}/{self.total}] {verb or self.verb} {item}{detail}", file=self.stream, flush=True)

    def note(self, message: str) -> None:
        """A line that must stay visible (a warning), printed above the bar."""
        if self.bar and self._drawn:
            self.stream.write("\r\x1b[2K")
        print(message, file=self.stream, flush=True)
        if self.bar and self._drawn:
            self._draw("")

    def finish(self) -> None:
        if self.bar and self._drawn:
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self, item: str) -> None:
        fraction = self.done / self.total if self.total else 1.0
        filled = int(round(BAR_WIDTH * fraction))
        elapsed = time.monotonic() - self.started
        remaining = elapsed / self.done * (self.total - self.done) if self.done else 0.0
        line = (
            f"\r\x1b[2K{fraction:4.0%} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] "
            f"{self.done}/{self.total} {self.verb}  elapsed {_duration(elapsed)}  left ~{_duration(remaining)}  {item[:30]}"
        )
        self.stream.write(line)
        self.stream.flush()
        self._drawn = True
