"""Keep a redraw whose cost grows with the run's length to a fraction of the GUI thread.

Thinning a curve of ``n`` kept samples costs about 4–8 ns per sample (7 ms
for the drift of two million samples, 16 ms for a time series on this
2-core machine).  Past :data:`FREE_SAMPLES` a view draws at most once every
``n × SPACING`` seconds (two million samples: every 80 ms, ~12 frames a
second, which such a long curve does not visibly outpace); a frame asked for
sooner is postponed with a single-shot timer, so the newest data is always
drawn in the end, even when the run has finished and no more frames come.
The rule depends on the data only, not on timings, so it behaves the same on
a loaded machine and in tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

FREE_SAMPLES = 250_000  # up to here every frame is drawn (≤ ~2 ms)
SPACING = 40e-9  # seconds between frames per kept sample beyond that: ~10x the cost of one frame


class DrawThrottle:
    """``allow(n)`` before drawing ``n`` samples: False when the frame must wait (``redraw`` is then
    called later); ``drawn()`` after drawing (the rest is counted from the end of a frame)."""

    def __init__(self, parent: QObject, redraw: Callable[[], object]):
        self._timer = QTimer(parent)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(redraw)
        self._last = -1e300
        self.postponed = 0  # frames postponed (tests read it)

    @staticmethod
    def interval(samples: int) -> float:
        return max(0, samples - FREE_SAMPLES) * SPACING

    def allow(self, samples: int) -> bool:
        now = time.perf_counter()
        wait = self._last + self.interval(samples) - now
        if wait > 0:
            if not self._timer.isActive():
                self._timer.start(int(1000 * wait) + 1)
            self.postponed += 1
            return False
        self._timer.stop()
        return True

    def drawn(self) -> None:
        self._last = time.perf_counter()

    def reset(self) -> None:
        self._timer.stop()
        self._last = -1e300
