"""A progress line on stderr for long runs: files done / total, elapsed time, rate.

Nothing is drawn for the first seconds, so pre-commit runs and small repositories never see
it, and nothing at all when stderr is not a terminal (CI logs, pipes) or with --quiet.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

# A run that finishes within this many seconds shows no bar at all.
SHOW_AFTER = 2.0
# Redraws per second at most: a terminal write per file would slow a fast run down.
MAX_FPS = 10


class ProgressBar:
    def __init__(
        self,
        total: int,
        *,
        stream: TextIO | None = None,
        enabled: bool | None = None,
        show_after: float = SHOW_AFTER,
    ) -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = _is_terminal(self.stream)
        self.enabled = enabled and total > 0
        self.show_after = show_after
        self.start = time.monotonic()
        self.done = 0
        self._last_draw = 0.0
        self._drawn = False

    def __call__(self, count: int) -> None:
        self.advance(count)

    def advance(self, count: int = 1) -> None:
        self.done += count
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.start < self.show_after or now - self._last_draw < 1 / MAX_FPS:
            return
        self._last_draw = now
        self._draw(now)

    def line(self, now: float) -> str:
        elapsed = max(now - self.start, 1e-9)
        rate = self.done / elapsed
        width = 24
        filled = int(width * self.done / self.total) if self.total else width
        bar = "#" * filled + "-" * (width - filled)
        minutes, seconds = divmod(int(elapsed), 60)
        return (f"gemini-migrate [{bar}] {self.done}/{self.total} files  "
                f"{minutes}:{seconds:02d} elapsed  {rate:,.0f} files/s")

    def _draw(self, now: float) -> None:
        self.stream.write("\r" + self.line(now) + "\x1b[K")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """Erase the bar so the summary line starts on a clean line."""
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = False


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
