"""Issue 20, state names: ``dep_status_labels`` shown wherever a status is displayed, accepted in
headers; rules, deps.json and its schema keep the canonical names."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import CONF, build_in_process, write_project

from sphinxcontrib_dep import cli
from sphinxcontrib_dep.core.config import ConfigError, DepConfig
from sphinxcontrib_dep.core.model import Status

LABELS = {"Approved": "Accepted", "Superseded": "Replaced"}
CONF_LABELS = CONF + 'dep_status_labels = {"Approved": "Accepted", "Superseded": "Replaced"}\n'

BODY = "\n## Summary\n\nS.\n\n## Motivation\n\nM.\n\n## Proposal\n\nP.\n\n## Alternate Solutions\n\nN/A\n"


def header(title: str, status: str, *extra: str) -> str:
    lines = [
        f"# {title}",
        "",
        "```{dep-meta}",
        f":status: {status}",
        ":authors: @alice",
        ":category: Process",
    ]
    return "\n".join([*lines, *extra, "```", ""]) + BODY


ACCEPTED = header(
    "Router",
    "Accepted",
    ":sponsor: @sam",
    ":required-reviewers: @rev (approved)",
    ":review-date: 2026-11-10",
)
FILES = {"deps/0001-router.md": ACCEPTED, "deps/0002-draft.md": header("Draft idea", "In Progress")}


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ({"Accepted": "Approved"}, "dep_status_labels must name statuses ("),
        (
            {"Approved": "Superseded"},
            "dep_status_labels must not give Approved the label 'Superseded', which names Superseded",
        ),
        (
            {"Approved": "draft"},
            "dep_status_labels must not give Approved the label 'draft', which names In Progress",
        ),
        (
            {"Approved": "Done", "Implemented": "done"},
            "dep_status_labels must give distinct labels, not 'done' to both Approved and Implemented",
        ),
        (
            {"Approved": " Accepted"},
            "dep_status_labels must give each status a label without surrounding blanks, not ' Accepted' for Approved",
        ),
        (
            {"Deferred": "Unknown"},
            "dep_status_labels must not give Deferred the label 'Unknown', which names a missing status",
        ),
    ],
)
def test_labels_are_validated(labels: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        DepConfig(status_labels=labels)
    assert str(caught.value).startswith(message)


def test_a_label_names_its_status() -> None:
    config = DepConfig(status_labels=LABELS)
    assert config.lookup_status("accepted") is Status.APPROVED
    assert config.lookup_status("Replaced") is Status.SUPERSEDED  # label and alias agree
    assert config.lookup_status("Approved") is Status.APPROVED  # the canonical name still works
    assert DepConfig().lookup_status("Accepted") is None
    assert config.status_text(Status.APPROVED) == "Accepted"
    assert config.status_text(Status.IN_PROGRESS) == "In Progress"
    assert config.status_text(None) == "Unknown"


def test_build_shows_labels_and_deps_json_keeps_names(tmp_path: Path) -> None:
    index = (
        "# P\n\n```{dep-index}\n```\n\n```{dep-status-chart}\n```\n\n```{toctree}\n:glob:\n\ndeps/*\n```\n"
    )
    root = write_project(tmp_path / "src", FILES, CONF_LABELS, index)
    build = build_in_process(root, tmp_path / "out")
    assert build.warnings == []
    page = (build.outdir / "deps" / "0001-router.html").read_text()
    assert '<span class="dep-badge dep-status-approved">Accepted</span>' in page
    html = (build.outdir / "index.html").read_text()
    assert '<span class="dep-badge dep-status-approved">Accepted</span>' in html
    assert '<span class="dep-chart-label">Accepted</span>' in html
    assert '<span class="dep-chart-label">Replaced</span>' in html
    assert '<option value="approved">Accepted</option>' in html
    assert ">Approved<" not in html
    data = json.loads((build.outdir / "deps.json").read_text())
    assert [d["status"] for d in data["deps"]] == ["Approved", "In Progress"]


def test_cli_shows_labels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(tmp_path / "p", FILES, CONF_LABELS)
    monkeypatch.chdir(root)
    assert cli.main(["lint"]) == 0
    capsys.readouterr()
    assert cli.main(["index", "--by", "status", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert "## Accepted" in out and "| DEP-0001 | Router | Accepted |" in out
    assert cli.main(["index", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["deps"][0]["status"] == "Approved"
    # dep status takes the label, writes the canonical name, and says the label.
    assert cli.main(["status", "2", "accepted"]) == 1
    err = capsys.readouterr().err
    assert "deps/0002-draft.md: cannot move from In Progress to Accepted:" in err
    assert cli.main(["status", "1", "Implemented", "--force"]) == 0
    assert capsys.readouterr().out.startswith("deps/0001-router.md: Accepted -> Implemented")
    assert ":status: Implemented" in (root / "deps/0001-router.md").read_text()
    assert cli.main(["related", "router"]) == 0
    assert (
        capsys.readouterr().out
        == "DEP-0001 Router [Implemented]\n  no extends, replaces or related proposals\n"
    )


def test_without_labels_the_label_is_unknown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_project(tmp_path / "p", FILES)
    assert cli.main(["lint", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert re.search(r"deps/0001-router.md:4: unknown status 'Accepted' .* \[dep.status\]", out)


def test_graph_banner_and_history_show_labels() -> None:
    from sphinxcontrib_dep.core import report
    from sphinxcontrib_dep.core.banner import banner_for
    from sphinxcontrib_dep.core.model import Dep
    from sphinxcontrib_dep.sphinx.history import status_move

    config = DepConfig(status_labels=LABELS)
    dot = report.graph_dot(
        [Dep(title="Router", number=1, status=Status.APPROVED, path="deps/0001-r.md")], config
    )
    assert 'label="DEP-0001\\nRouter\\n[Accepted]"' in dot
    superseded = banner_for(Dep(title="Old", number=2, status=Status.SUPERSEDED), config)
    assert superseded is not None and superseded.label == "Replaced"
    assert status_move("Under Review", "Approved", config) == "Under Review \u2192 Accepted"
    assert status_move(None, "Superseded", config) == "status set to Replaced"
    assert config.label("Approved") == "Accepted" and config.label(None) is None
