"""Synthetic proposal sets for the benchmarks: N MyST proposals of about 3 KB each.

Two variants of the same site are written from the same random draw:

* ``dep``: every proposal carries a ``dep-meta`` header (and, when asked, ``dep-alternative``
  and ``dep-phase`` blocks); a reports page holds whichever of ``dep-index``,
  ``dep-traceability``, ``dep-review-report`` and ``dep-graph`` are asked for.
* ``plain``: the same text with each header, alternative and phase written as a plain
  Markdown table or list, and a hand-written table of all proposals instead of the
  reports page: the site a project would build without this toolkit (baseline a).

Proportions are those of a mature process (PEPs, KEPs): most proposals are decided, a
tenth are superseded (chains of up to three), approved and implemented ones carry
implementation links, about a third list rejected alternatives and a quarter phases.

``python bench/generate.py OUT --n 1000 [--variant dep|plain] [--alternatives] [--phases]``
"""

from __future__ import annotations

import argparse
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

#: Status -> weight, as a process ends up after a few years.
STATUS_WEIGHTS: dict[str, int] = {
    "Implemented": 30,
    "Approved": 12,
    "Rejected": 12,
    "Deferred": 6,
    "Under Review": 8,
    "In Progress": 12,
    "Not Started": 4,
    # Superseded ones are made by chains below (about 10 %), not drawn.
}
CATEGORIES = ("Architecture", "Process", "Guidelines")
REPORT_DIRECTIVES = ("dep-status-chart", "dep-index", "dep-traceability", "dep-review-report", "dep-graph")

_WORDS = tuple(
    [
        "request",
        "router",
        "worker",
        "engine",
        "cache",
        "token",
        "stream",
        "batch",
        "scheduler",
        "planner",
        "kernel",
        "tensor",
        "memory",
        "transfer",
        "queue",
        "lease",
        "etcd",
        "gateway",
        "frontend",
        "backend",
        "metric",
        "trace",
        "error",
        "retry",
        "migration",
        "disaggregated",
        "prefill",
        "decode",
        "model",
        "runtime",
        "container",
        "build",
        "release",
        "policy",
        "review",
        "owner",
        "latency",
        "throughput",
        "budget",
        "endpoint",
        "client",
        "server",
        "protocol",
        "schema",
    ]
)
_PEOPLE = [f"@dev{i:03d}" for i in range(60)] + ["Jane Doe", "Wei Zhang", "Ana Souza", "Omar Haddad"]


@dataclass
class Proposal:
    number: int
    slug: str
    title: str
    status: str
    category: str
    authors: list[str]
    sponsor: str
    reviewers: list[tuple[str, str]]
    review_date: str | None
    replaces: list[int] = field(default_factory=list)
    replaced_by: list[int] = field(default_factory=list)
    implementation: list[str] = field(default_factory=list)
    alternatives: int = 0
    phases: int = 0

    @property
    def filename(self) -> str:
        return f"{self.number:04d}-{self.slug}.md"


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng, rng.randint(8, 16)) for _ in range(sentences))


def draw(n: int, seed: int = 8) -> list[Proposal]:
    """The proposals' metadata: statuses, people, supersession chains, links, blocks."""
    rng = random.Random(seed)
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    proposals: list[Proposal] = []
    for number in range(1, n + 1):
        title_words = [rng.choice(_WORDS) for _ in range(rng.randint(3, 6))]
        status = rng.choices(statuses, weights)[0]
        reviewed = status not in {"Not Started", "In Progress"}
        review_state = {
            "Implemented": "approved",
            "Approved": "approved",
            "Rejected": "rejected",
            "Deferred": "deferred",
            "Under Review": "reviewing",
        }.get(status, "not started")
        proposals.append(
            Proposal(
                number=number,
                slug="-".join(title_words[:4]),
                title=" ".join(title_words).title(),
                status=status,
                category=rng.choice(CATEGORIES),
                authors=rng.sample(_PEOPLE, rng.randint(1, 3)),
                sponsor=rng.choice(_PEOPLE),
                reviewers=[(p, review_state) for p in rng.sample(_PEOPLE, rng.randint(1, 2))]
                if reviewed
                else [],
                review_date=f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if reviewed else None,
                alternatives=rng.choice((0, 0, 1, 2, 3)) if rng.random() < 0.35 else 0,
                phases=rng.randint(1, 3) if rng.random() < 0.25 else 0,
            )
        )
    # Supersession: about 10 % superseded, in chains of one to three successors.
    for proposal in proposals:
        if proposal.status in {"Implemented", "Approved"} and rng.random() < 0.13:
            later = [p for p in proposals[proposal.number : proposal.number + 40] if not p.replaces]
            if not later:
                continue
            successor = rng.choice(later)
            proposal.status = "Superseded"
            proposal.replaced_by.append(successor.number)
            successor.replaces.append(proposal.number)
    for proposal in proposals:
        if proposal.status in {"Implemented", "Approved", "Superseded"}:
            count = rng.choice((1, 1, 1, 2, 3)) if proposal.status != "Approved" or rng.random() < 0.5 else 0
            proposal.implementation = [
                f"https://github.com/example/project/{rng.choice(('pull', 'issues'))}/{rng.randint(100, 9999)}"
                for _ in range(count)
            ]
    return proposals


# --------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------


def _dep_meta(p: Proposal) -> list[str]:
    lines = [
        "```{dep-meta}",
        f":status: {p.status}",
        f":authors: {', '.join(p.authors)}",
        f":category: {p.category}",
        f":sponsor: {p.sponsor}",
    ]
    if p.reviewers:
        lines.append(":required-reviewers: " + ", ".join(f"{who} ({state})" for who, state in p.reviewers))
    if p.review_date:
        lines.append(f":review-date: {p.review_date}")
    if p.replaces:
        lines.append(":replaces: " + ", ".join(f"DEP-{n:04d}" for n in p.replaces))
    if p.replaced_by:
        lines.append(":replaced-by: " + ", ".join(f"DEP-{n:04d}" for n in p.replaced_by))
    lines.append(f":pull-request: https://github.com/example/enhancements/pull/{p.number}")
    if p.implementation:
        lines.append(":implementation: " + ", ".join(p.implementation))
    lines.append("```")
    return lines


def _meta_table(p: Proposal) -> list[str]:
    rows = [
        ("Status", p.status),
        ("Authors", ", ".join(p.authors)),
        ("Category", p.category),
        ("Sponsor", p.sponsor),
    ]
    if p.reviewers:
        rows.append(("Required reviewers", ", ".join(f"{who} ({state})" for who, state in p.reviewers)))
    if p.review_date:
        rows.append(("Review date", p.review_date))
    if p.replaces:
        rows.append(("Replaces", ", ".join(f"[DEP-{n:04d}]({_filename_of(n)})" for n in p.replaces)))
    if p.replaced_by:
        rows.append(("Replaced by", ", ".join(f"[DEP-{n:04d}]({_filename_of(n)})" for n in p.replaced_by)))
    rows.append(("Pull request", f"<https://github.com/example/enhancements/pull/{p.number}>"))
    if p.implementation:
        rows.append(("Implementation", ", ".join(f"<{url}>" for url in p.implementation)))
    return ["| Field | Value |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)]


_FILENAMES: dict[int, str] = {}


def _filename_of(number: int) -> str:
    return _FILENAMES.get(number, f"{number:04d}.md")


def _bullets(rng: random.Random, count: int) -> list[str]:
    return [f"- {_sentence(rng, rng.randint(5, 10))}" for _ in range(count)]


def _alternative(rng: random.Random, index: int, *, directive: bool) -> list[str]:
    title = f"Alternative {index}: {' '.join(rng.choice(_WORDS) for _ in range(3))}"
    body: list[str] = []
    for label in ("Pros", "Cons", "Reason rejected", "Notes"):
        body += [f"**{label}:**", "", *_bullets(rng, rng.randint(1, 3)), ""]
    if directive:
        return [f"```{{dep-alternative}} {title}", *body[:-1], "```", ""]
    return [f"### {title}", "", *body]


def _phase(rng: random.Random, index: int, *, directive: bool) -> list[str]:
    title = " ".join(rng.choice(_WORDS) for _ in range(3)).title()
    release = f"v{rng.randint(0, 2)}.{rng.randint(1, 9)}"
    effort = rng.choice(("S", "M", "L", "2 weeks", "1 quarter"))
    items = ", ".join(
        f"https://github.com/example/project/issues/{rng.randint(100, 9999)}"
        for _ in range(rng.randint(1, 2))
    )
    body: list[str] = []
    for label in ("Supported", "Not supported"):
        body += [f"**{label}:**", "", *_bullets(rng, rng.randint(1, 3)), ""]
    if directive:
        return [
            f"```{{dep-phase}} {index} {title}",
            f":release-target: {release}",
            f":effort: {effort}",
            f":work-items: {items}",
            "",
            *body[:-1],
            "```",
            "",
        ]
    return [
        f"### Phase {index}: {title}",
        "",
        f"Release target: {release}; effort: {effort}; work items: {items}",
        "",
        *body,
    ]


def render(p: Proposal, *, variant: str, alternatives: bool, phases: bool, seed: int) -> str:
    rng = random.Random(seed * 100_003 + p.number)
    dep = variant == "dep"
    lines = [f"# {p.title}", "", *(_dep_meta(p) if dep else _meta_table(p)), ""]
    lines += ["## Summary", "", _paragraph(rng, 3), ""]
    lines += ["## Motivation", "", _paragraph(rng, 4), "", _paragraph(rng, 3), ""]
    lines += ["### Goals", "", *_bullets(rng, 3), ""]
    lines += ["### Non Goals", "", *_bullets(rng, 2), ""]
    lines += [
        "## Proposal",
        "",
        _paragraph(rng, 5),
        "",
        "```python",
        "def handle(request):",
        "    return route(request, retries=3)",
        "```",
        "",
        _paragraph(rng, 3),
        "",
    ]
    if p.replaces:
        lines += [
            "This proposal replaces "
            + ", ".join((f"{{dep}}`{n}`" if dep else f"[DEP-{n:04d}]({_filename_of(n)})") for n in p.replaces)
            + ".",
            "",
        ]
    if p.phases:
        lines += ["## Implementation Phases", ""]
        for index in range(p.phases):
            lines += _phase(rng, index, directive=dep and phases)
    lines += ["## Alternate Solutions", ""]
    if p.alternatives:
        for index in range(1, p.alternatives + 1):
            lines += _alternative(rng, index, directive=dep and alternatives)
    else:
        lines += ["N/A", ""]
    # Pad to about 3 KB with background text, as real proposals carry.
    text = "\n".join(lines)
    if len(text) < 2900:
        lines += ["## Background", ""]
        while len("\n".join(lines)) < 2900:
            lines += [_paragraph(rng, 3), ""]
    return "\n".join(lines).rstrip() + "\n"


CONF = """\
import os

project = "bench"
extensions = {extensions!r}
exclude_patterns = ["_build"]
suppress_warnings = ["myst.header"]
# Theme: alabaster with only a search box (no global navigation), which isolates the
# extension's cost; DEP_BENCH_THEME=furo measures the furo rows.
html_theme = os.environ.get("DEP_BENCH_THEME", "alabaster")
if html_theme == "alabaster":
    html_sidebars = {{"**": ["searchbox.html"]}}
{extra}"""

#: The toolkit site numbers proposals before their review is complete (the draw gives In
#: Progress and Under Review proposals numbers, as projects that number drafts do), so it
#: says so, as such a project's conf.py does: else every such proposal is a warning.
DEP_CONF = "dep_early_numbering = True\n"


def write_site(
    out: Path,
    n: int,
    *,
    variant: str = "dep",
    alternatives: bool = False,
    phases: bool = False,
    reports: tuple[str, ...] = (),
    seed: int = 8,
) -> list[Path]:
    """Write a whole Sphinx project to ``out`` (emptied first); returns the proposal files."""
    if variant not in {"dep", "plain"}:
        raise ValueError(f"variant must be 'dep' or 'plain', not {variant!r}")
    if out.exists():
        shutil.rmtree(out)
    (out / "deps").mkdir(parents=True)
    proposals = draw(n, seed)
    _FILENAMES.clear()
    _FILENAMES.update({p.number: p.filename for p in proposals})
    dep = variant == "dep"
    extensions = ["sphinxcontrib_dep"] if dep else ["myst_parser"]
    (out / "conf.py").write_text(CONF.format(extensions=extensions, extra=DEP_CONF if dep else ""))
    (out / "index.md").write_text(
        "# Bench site\n\nA synthetic set of proposals.\n\n```{toctree}\n:maxdepth: 1\n\nproposals\n```\n"
    )
    listing = ["# Proposals", "", "```{toctree}", ":hidden:", ":glob:", "", "deps/*", "```", ""]
    if dep:
        for name in reports:
            listing += [f"## {name}", "", f"```{{{name}}}", "```", ""]
    else:
        listing += ["| Number | Title | Status | Category | Authors |", "|---|---|---|---|---|"]
        listing += [
            f"| {p.number} | [{p.title}](deps/{p.filename}) | {p.status} | {p.category} | "
            f"{', '.join(p.authors)} |"
            for p in proposals
        ]
    (out / "proposals.md").write_text("\n".join(listing) + "\n")
    files = []
    for p in proposals:
        path = out / "deps" / p.filename
        path.write_text(render(p, variant=variant, alternatives=alternatives, phases=phases, seed=seed))
        files.append(path)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--variant", choices=("dep", "plain"), default="dep")
    parser.add_argument("--alternatives", action="store_true", help="emit dep-alternative blocks")
    parser.add_argument("--phases", action="store_true", help="emit dep-phase blocks")
    parser.add_argument(
        "--reports", default="", help="comma-separated report directives for the listing page"
    )
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args(argv)
    reports = tuple(r for r in args.reports.split(",") if r)
    files = write_site(
        args.out,
        args.n,
        variant=args.variant,
        alternatives=args.alternatives,
        phases=args.phases,
        reports=reports,
        seed=args.seed,
    )
    size = sum(f.stat().st_size for f in files) / max(len(files), 1)
    print(f"{len(files)} proposals, {size:.0f} bytes on average, in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
