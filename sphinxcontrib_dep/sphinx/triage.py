r"""``dep-triage``: the weekly triage on the site, from the core function ``dep triage`` prints.

The directive leaves a placeholder (like every whole-corpus view, :mod:`.tables`) filled at
``doctree-resolved`` by :func:`~sphinxcontrib_dep.core.triage.triage_report` over the
build's proposals, with the history the build has already read (one ``git log`` at
``env-updated``, :mod:`.history`): with ``dep_history`` off, outside git or in a shallow
clone, the page says why, and lists nothing as new or stalled for want of commits. The
build's date is today (``SOURCE_DATE_EPOCH`` when set), and "new" means created in the last
seven days. The report is dated, so the triage pages are written again by the first build of
a new day, even an incremental one where no file changed (``env-updated``).

``:prs: FILE`` (relative to the page) adds the merged pull requests that need a proposal
(:mod:`~sphinxcontrib_dep.core.gaps`), from a file CI writes with ``gh pr list`` before
the build; the build reads that file, never the network. No file, no section (a note in
the log); a file that cannot be read is a located warning.

HTML classes: ``div.dep-triage``; ``p.rubric.dep-triage-part``; ``table.dep-triage-new``,
``.dep-triage-untriaged``, ``.dep-triage-stalled``, ``.dep-triage-due``, ``.dep-triage-gaps``;
``p.dep-triage-note`` for why the history is missing; ``p.dep-empty`` where a part is empty.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from sphinx.util import logging

from ..core import gaps, github, triage
from ..core.diagnostics import Code
from ..core.history import FileHistory
from ..core.model import Dep
from . import config as sphinx_config
from .tables import VIEW_TEXT, CorpusDirective, Renderer, Row, dep_report, today

logger = logging.getLogger("sphinxcontrib_dep")


class DepTriageDirective(CorpusDirective):
    """The weekly triage, as ``dep triage`` prints it: the open proposals created in the last
    seven days, those missing an area, a PIC, a priority or a review date, the stalled ones (no
    commit for ``dep_stalled_days``, Under Review without reviewers, a review date passed),
    and the reviews due in the next seven days; with ``:prs:``, the pull requests merged in
    the last seven days that need a proposal and name none."""

    kind = "triage"
    option_spec: ClassVar[dict[str, Any]] = {"prs": lambda text: (text or "").strip()}
    option_docs: ClassVar[dict[str, str]] = {
        "prs": "A JSON file of merged pull requests (``gh pr list --state merged --json ...``), relative "
        "to the page, written by CI before the build: adds the design gaps. No file, no section.",
    }

    def run(self) -> list[nodes.Node]:
        result = super().run()
        node = result[0]
        assert isinstance(node, dep_report)
        name = self.options.get("prs")
        if name:
            relative, path = self.env.relfn2path(name, self.env.docname)
            if not Path(path).is_file():
                logger.info(f"dep: {self.env.docname}: no {name} (dep-triage :prs:); no design gaps shown")
            else:
                self.env.note_dependency(relative)
                try:
                    node["pulls"] = tuple(github.read_pull_requests(Path(path)))
                except github.PullRequestsError as err:
                    self.note(Code.VALUE, f"{self.name} :prs: {err}")
        return result


def _history(renderer: Renderer, deps: list[Dep]) -> tuple[dict[str, FileHistory] | None, str | None]:
    from . import history

    if not sphinx_config.get(renderer.app.config).history:
        return None, "dep_history is off: nothing is listed as new or as stalled for want of commits"
    found = history.get(renderer.app.env)
    if found is None or not found.commits:
        return None, found.note if found is not None else "no history"
    return history.by_path(renderer.app, deps), found.note


def render_triage(renderer: Renderer) -> nodes.Node:
    settings = renderer.settings
    deps = list(renderer.local_deps)
    found, note = _history(renderer, deps)
    day = today()
    data = triage.triage_report(deps, settings, day, None, found, note)
    container = nodes.container(classes=["dep-triage"])
    if note:
        container += nodes.paragraph(note, note, classes=["dep-triage-note"])
    by_path = {dep.path: dep for dep in deps}

    def heading(dep: Dep, row: Any) -> list[nodes.Node | str]:
        shown = renderer.id_text(dep)
        title = (row["title"] or row["path"])[:VIEW_TEXT]
        return [renderer.link(dep, shown, ["dep-id"]), renderer.link(dep, title, ["dep-title"])]

    def part(title: str, headers: list[str], rows: list[Row], classes: str) -> None:
        container.append(nodes.rubric(title, title, classes=["dep-triage-part"]))
        container.append(renderer.table(headers, rows, [classes]))

    def rows(found_rows: list[Any], width: int, cells: Any) -> list[Row]:
        def build(row: Any, dep: Dep) -> Row:
            return [*heading(dep, row), *cells(row)], ["dep-row"]

        return [
            renderer.guarded(by_path[row["path"]], "triage", width, build, row, by_path[row["path"]])
            for row in found_rows
        ]

    part(
        f"New since {data['since']}",
        ["DEP", "Title", "Status", "Created", "Authors"],
        rows(
            data["new"], 5, lambda r: [r["status"], r["created"] or "not committed", ", ".join(r["authors"])]
        ),
        "dep-triage-new",
    )
    part(
        "To triage: assign what is missing",
        ["DEP", "Title", "Status", "Missing"],
        rows(data["untriaged"], 4, lambda r: [r["status"], ", ".join(r["missing"])]),
        "dep-triage-untriaged",
    )
    tables = triage.triage_tables(data, settings)
    stalled_names = {row[0]: row[3] for row in tables[2].rows}
    part(
        tables[2].title,
        ["DEP", "Title", "Status", "Area", "PIC", "Last commit", "Why"],
        rows(
            data["stalled"],
            7,
            lambda r: [
                r["status"],
                stalled_names.get(r["id"] or "draft", ", ".join(r["areas"])),
                r["pic"] or "",
                r["last_changed"] or "",
                "; ".join(r["reasons"]),
            ],
        ),
        "dep-triage-stalled",
    )
    part(
        f"Reviews due by {(day + timedelta(days=triage.CADENCE_DAYS)).isoformat()}",
        ["DEP", "Title", "Review date", "Waiting on"],
        rows(data["reviews_due"], 4, lambda r: [r["review_date"], ", ".join(r["waiting_on"])]),
        "dep-triage-due",
    )
    pulls = renderer.node.get("pulls") if renderer.node is not None else None
    if pulls is not None:
        found_gaps = gaps.design_gaps(pulls, deps, settings, since=triage.default_since(day))
        table = gaps.gaps_table(found_gaps)
        gap_rows: list[Row] = []
        for gap in found_gaps["gaps"]:
            label = f"#{gap['number']}"
            pr: nodes.Node = (
                nodes.reference(label, label, refuri=gap["url"], classes=["dep-pr"])
                if gap["url"]
                else nodes.inline(label, label)
            )
            title = gap["title"][:VIEW_TEXT]
            if gap["unknown_ids"]:
                title += f" (names {', '.join(gap['unknown_ids'])}, which no proposal holds)"
            gap_rows.append(
                (
                    [
                        pr,
                        title,
                        gap["author"] or "",
                        gap["merged_at"] or "",
                        f"+{gap['additions']:,}",
                        ", ".join(area["name"] for area in gap["areas"]),
                        ", ".join(gaps.ask(gap)),
                    ],
                    ["dep-row"],
                )
            )
        part(table.title, table.headers, gap_rows, "dep-triage-gaps")
    return container


#: Where the domain keeps the day the triage pages were last written.
_DAY = "triage_day"


def on_env_updated(app: Any, env: Any) -> list[str]:
    """The triage pages, to write again on a new day: what is new, stalled or due depends on
    the date, not only on the files, so an incremental build the next day must not keep
    yesterday's report."""
    from .domain import get_domain

    domain = get_domain(env)
    day = today().isoformat()
    if domain.data.get(_DAY) == day:
        return []
    domain.data[_DAY] = day
    pages = {docname for docname, kinds in domain.pages.items() if "triage" in kinds}
    return sorted(pages & set(env.all_docs))
