"""The terminal: stdout and stderr, colour only when wanted, every value escaped."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TextIO

from ..core import escape
from ..core.model import (
    Status,
)

_STYLES = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "blue": "34", "cyan": "36"}


@dataclass
class Console:
    """stdout and stderr, with colour only when asked for or when stdout is a terminal.

    Everything written passes :func:`.escape.terminal`: whatever a value holds, only line
    breaks, tabs and the console's own colour reach the terminal. Values are escaped where
    they are formatted too (:func:`.escape.text`), so none can start a line of its own.
    """

    out: TextIO
    err: TextIO
    color: bool = False

    def style(self, text: str, *names: str) -> str:
        if not self.color or not names:
            return text
        codes = ";".join(_STYLES[name] for name in names)
        return f"\x1b[{codes}m{text}\x1b[0m"

    def write(self, text: str) -> None:
        self.out.write(escape.terminal(text, keep_colour=self.color))

    def print(self, text: str = "") -> None:
        self.write(text + "\n")

    def note(self, text: str) -> None:
        self.err.write(escape.terminal(text) + "\n")


def wants_color(choice: str, stream: TextIO) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


STATUS_COLORS = {
    Status.APPROVED: "green",
    Status.IMPLEMENTED: "green",
    Status.UNDER_REVIEW: "yellow",
    Status.REJECTED: "red",
    Status.SUPERSEDED: "dim",
    Status.DEFERRED: "dim",
}
