"""Views a reviewer can share: filters by status, category, person and text, sorting, in the URL.

The index and the traceability table are complete HTML tables: without JavaScript every
row is shown and nothing is dead (the filter form is ``hidden`` until ``static/dep.js``
shows it). The script reads and writes the page's query string, so a view is a link:
``traceability.html?status=under-review&category=architecture&person=alice&q=error&sort=title&order=desc``.

What the script filters on is in each row's classes, written here:
``dep-row-<status>``, ``dep-category-<slug>`` and ``dep-person-<slug>`` for every author,
sponsor and required reviewer (:func:`slug`: case folded, runs of other characters as one
``-``; ``@alice`` is ``alice``). The form's choices are the values the view's rows hold, in
lifecycle order for statuses; every label is escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from ..core.config import DepConfig
from ..core.model import Dep, Status
from ..core.report import UNCATEGORIZED, clip

#: Characters of a person's or category's name in a filter's choices.
LABEL = 80


def slug(text: str) -> str:
    """A value as a class name and query value: ``"Ada Author"`` -> ``ada-author``."""
    return re.sub(r"[\W_]+", "-", text.casefold()).strip("-") or "x"


def people(dep: Dep) -> list[str]:
    """Display names of the proposal's authors, sponsors and required reviewers."""
    names = [p.display for p in dep.authors] + [p.display for p in dep.sponsors]
    names += [r.person.display for r in dep.reviewers]
    return [name for name in names if name]


def row_classes(dep: Dep) -> list[str]:
    """``dep-row``, its status, its category and its people, for the script to filter on."""
    status = dep.status.slug if dep.status is not None else "unknown"
    classes = ["dep-row", f"dep-row-{status}", f"dep-category-{slug(dep.category or UNCATEGORIZED)}"]
    seen: set[str] = set()
    for name in people(dep):
        key = slug(name)
        if key not in seen:
            seen.add(key)
            classes.append(f"dep-person-{key}")
    return classes


def _select(name: str, label: str, choices: list[tuple[str, str]]) -> str:
    options = ['<option value="">Any</option>']
    options += [
        f'<option value="{html.escape(value)}">{html.escape(clip(text, LABEL))}</option>'
        for value, text in choices
    ]
    return (
        f'<label class="dep-filter-{name}">{label} '
        f'<select name="{name}" class="dep-filter-select">{"".join(options)}</select></label>'
    )


def form(deps: Iterable[Dep], settings: DepConfig) -> str:
    """The filter form of a view over ``deps`` (hidden until the script shows it); statuses
    under the project's labels (``dep_status_labels``)."""
    deps = list(deps)
    present = {dep.status for dep in deps}
    statuses = [(status.slug, settings.status_text(status)) for status in Status if status in present]
    if None in present:
        statuses.append(("unknown", settings.status_text(None)))
    categories: dict[str, str] = {}
    persons: dict[str, str] = {}
    for dep in deps:
        category = dep.category or UNCATEGORIZED
        categories.setdefault(slug(category), category)
        for name in people(dep):
            persons.setdefault(slug(name), name)
    by_name = sorted(persons.items(), key=lambda item: (item[1].lstrip("@").casefold(), item[0]))
    return (
        '<form class="dep-filters" role="search" aria-label="Filter and sort the proposals" hidden>'
        + _select("status", "Status", statuses)
        + _select("category", "Category", sorted(categories.items(), key=lambda item: item[1].casefold()))
        + _select("person", "Person", by_name)
        + '<label class="dep-filter-text">Text <input type="search" name="q" class="dep-filter" '
        'placeholder="Filter proposals" aria-label="Filter proposals" autocomplete="off"></label>'
        ' <span class="dep-filter-count" aria-live="polite"></span>'
        '<button type="reset" class="dep-filter-reset">Show all</button>'
        "</form>"
    )
