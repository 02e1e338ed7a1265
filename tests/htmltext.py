"""Rendered HTML as readable text, for snapshot tests of the whole-corpus views.

Only the part inside the first element with the given class is kept. Tables become
``| cell | cell |`` lines, links ``[text](href)``, badges ``{text}``, rubrics ``## text``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_VOID = {"input", "br", "img", "meta", "link", "col", "hr"}


class _Text(HTMLParser):
    def __init__(self, region_class: str) -> None:
        super().__init__(convert_charrefs=True)
        self.region_class = region_class
        self.depth = 0  # element depth inside the region; 0 = outside
        self.out: list[str] = []
        self.links: list[str | None] = []
        self.done = False
        self.in_form = False
        self.options: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if self.depth == 0:
            if self.region_class in classes:
                self.depth = 1
            return
        if tag not in _VOID:
            self.depth += 1
        if tag == "form":
            self.in_form = True
            self.out.append("\x00<form>")
        elif tag == "select":
            self.options = []
            self.out.append(f"\x00<select name={attributes.get('name')}: ")
        elif tag == "option" and self.options is not None:
            self.options.append(attributes.get("value") or "")
        elif self.in_form and tag != "input":
            pass
        elif tag == "tr":
            self.out.append("\x00|")
        elif tag == "p" and "rubric" in classes:
            self.out.append("\x00\x00## ")
        elif tag == "p" and "dep-empty" in classes:
            self.out.append("\x00")
        elif tag == "p" and self.out[-1:] != ["|"]:
            self.out.append(" ")
        elif tag == "a":
            self.links.append(attributes.get("href"))
            self.out.append("[")
        elif tag == "span" and "dep-badge" in classes:
            self.out.append("{")
        elif tag == "input":
            self.out.append(f"\x00<input class={attributes.get('class')}>")
        elif tag == "li":
            self.out.append(" • ")
        elif tag == "svg":
            self.out.append("\x00<svg>")

    def handle_endtag(self, tag: str) -> None:
        if self.done or self.depth == 0:
            return
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self.options is not None:
            self.out.append("|".join(self.options) + ">")
            self.options = None
        elif tag in ("td", "th"):
            self.out.append(" |")
        elif tag == "a":
            href = self.links.pop() if self.links else None
            self.out.append(f"]({href})")
        elif tag == "span" and self.out and self._open_badges():
            self.out.append("}")
        self.depth -= 1
        if self.depth == 0:
            self.done = True

    def _open_badges(self) -> bool:
        text = "".join(self.out)
        return text.count("{") > text.count("}") and text.rstrip()[-1:] != "}"

    def handle_data(self, data: str) -> None:
        if self.depth and not self.done and not self.in_form:
            self.out.append(data)


def region_text(html: str, region_class: str) -> str:
    parser = _Text(region_class)
    parser.feed(html)
    # Only the markers above (NUL) break lines; the page's own line breaks are white space.
    text = re.sub(r"\s+", " ", "".join(parser.out))
    lines = [line.strip() for line in text.split("\x00")]
    return "\n".join(line for line in lines if line) + "\n"


class _Rows(HTMLParser):
    """The body rows of the first table with a class, each as its cells' text."""

    def __init__(self, table_class: str) -> None:
        super().__init__(convert_charrefs=True)
        self.table_class = table_class
        self.depth = 0  # table nesting inside the wanted table; 0 = outside
        self.in_body = False
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table":
            if self.depth or self.table_class in classes:
                self.depth += 1
        elif self.depth == 1 and tag == "tbody":
            self.in_body = True
        elif self.depth == 1 and self.in_body and tag == "tr":
            self.rows.append([])
        elif self.depth == 1 and self.in_body and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if self.done or not self.depth:
            return
        if tag == "table":
            self.depth -= 1
            self.done = self.depth == 0
        elif self.depth == 1 and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(re.sub(r"\s+", " ", "".join(self.cell)).strip())
            self.cell = None
        elif tag == "tbody":
            self.in_body = False

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def rows_of(html: str, table_class: str) -> list[list[str]]:
    """The text of each body row's cells of the first ``table.<table_class>`` (``[]`` if none)."""
    parser = _Rows(table_class)
    parser.feed(html)
    return parser.rows
