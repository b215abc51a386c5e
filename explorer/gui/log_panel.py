"""The Log panel: messages, warnings, blow-ups and timings, with times."""

from __future__ import annotations

import html
import time

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QPlainTextEdit, QWidget

COLORS = {"info": "#222", "warning": "#a15c00", "error": "#b00020"}


class LogPanel(QPlainTextEdit):
    """Append-only, bounded log (the oldest lines go past ``max_lines``)."""

    def __init__(self, parent: QWidget | None = None, max_lines: int = 5000):
        super().__init__(parent)
        self.setReadOnly(True)
        self.setMaximumBlockCount(max_lines)
        self.entries: list[tuple[str, str]] = []  # (level, text): what tests and exports read

    @Slot(str, str)
    def add(self, level: str, text: str) -> None:
        self.entries.append((level, text))
        del self.entries[: -self.maximumBlockCount()]
        stamp = time.strftime("%H:%M:%S")
        color = COLORS.get(level, COLORS["info"])
        for i, line in enumerate(text.splitlines() or [""]):
            head = f"{stamp} {level:<7} " if i == 0 else " " * 17
            self.appendHtml(f"<span style='color:{color}; white-space:pre'>{html.escape(head + line)}</span>")

    def text_of(self, level: str | None = None) -> str:
        return "\n".join(t for lv, t in self.entries if level is None or lv == level)
