"""Areas, PICs and priorities (issue 20, part 1): the header, area folders, the commands, the pages.

The rules' exact warnings are held by the ``areas-*`` cases of ``fixtures/bad/cases.toml``
(for ``dep lint`` and the build alike); here: what is read, what the commands do across
area folders, and what the pages and ``deps.json`` show.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
from helpers import build_in_process, write_project

from sphinxcontrib_dep import cli
from sphinxcontrib_dep.core import areaview, report
from sphinxcontrib_dep.core.analysis import lint_text
from sphinxcontrib_dep.core.config import DepConfig
from sphinxcontrib_dep.core.parsing import parse_file

#: The taxonomy of ``0000-dep-area-taxonomy.md``, three of its rows (owners made handles).
AREAS = {
    "router": {
        "name": "Router",
        "label": "router",
        "team": "@ai-dynamo/router",
        "owners": ["@rpei", "@gking"],
        "paths": ["components/src/dynamo/router/", "lib/llm/src/kv_router/"],
    },
    "kv-memory": {"name": "KV/Memory", "label": "kv-memory", "owners": ["@rpei", "@zfan"]},
    "backend-vllm": {"name": "Backend: vLLM", "label": "backend-vllm", "owners": ["@aflowers"]},
}
CONF = (
    f'project = "t"\nextensions = ["sphinxcontrib_dep"]\ndep_early_numbering = True\ndep_areas = {AREAS!r}\n'
)
BODY = "\n## Summary\n\nText.\n\n## Motivation\n\nText.\n\n## Proposal\n\nText.\n\n## Alternate Solutions\n\nN/A\n"
REVIEW = [":sponsor: @sam", ":required-reviewers: @marco", ":review-date: 2026-03-01"]


def proposal(title: str, *options: str, status: str = "In Progress") -> str:
    lines = "".join(f"{option}\n" for option in options)
    return (
        f"# {title}\n\n```{{dep-meta}}\n:status: {status}\n:authors: @alice\n:category: Process\n{lines}```\n"
        + BODY
    )


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- reading the header -------------------------------------------------------------------------


def test_an_area_is_named_by_its_key_name_or_label_and_stored_as_its_key() -> None:
    config = DepConfig(areas=AREAS)
    dep, _, found = parse_file(
        proposal("X", ":area: Backend: vLLM, KV/Memory, ROUTER", ":pic: @RPei", ":priority: p1"),
        "deps/0001-x.md",
        config,
    )
    assert found == []
    assert dep is not None
    assert (dep.areas, dep.pic and dep.pic.display, dep.priority) == (
        ["backend-vllm", "kv-memory", "router"],
        "@RPei",
        "P1",
    )


def test_the_area_folder_gives_the_area_of_a_proposal_that_names_none() -> None:
    config = DepConfig(areas=AREAS)
    dep, _, found = parse_file(proposal("X"), "deps/router/0001-x.md", config)
    assert dep is not None and (dep.areas, found) == (["router"], [])
    # At the top of the folder, or without declared areas, a proposal has no area.
    dep, _, _ = parse_file(proposal("X"), "deps/0001-x.md", config)
    assert dep is not None and dep.areas == []
    dep, _, found = parse_file(proposal("X"), "deps/router/0001-x.md", DepConfig())
    assert dep is not None and (dep.areas, found) == ([], [])


def test_a_pic_is_not_checked_against_owners_an_area_does_not_declare() -> None:
    # An area whose owners are still TBD (the taxonomy's XPU row) has none who could be PIC.
    config = DepConfig(areas={"xpu": {"name": "XPU / Intel"}})
    _, found = lint_text(proposal("X", ":area: xpu", ":pic: @someone"), "deps/0000-x.md", config)
    assert [(d.code.value, d.line, d.message) for d in found] == [
        ("pic", 8, ":pic: @someone is not an owner of xpu (owners: none declared)")
    ]


# --- deps.json ----------------------------------------------------------------------------------


def test_deps_json_holds_areas_pic_and_priority_only_when_given_and_stays_schema_v2() -> None:
    config = DepConfig(areas=AREAS)
    with_all, _, _ = parse_file(
        proposal("X", ":area: router", ":pic: @gking", ":priority: P0"), "deps/0001-x.md", config
    )
    bare, _, _ = parse_file(proposal("Y"), "deps/0002-y.md", config)
    assert with_all is not None and bare is not None
    document = report.deps_json([with_all, bare], config)
    first, second = document["deps"]
    assert (first.get("areas"), first.get("pic"), first.get("priority")) == (["router"], "@gking", "P0")
    assert not {"areas", "pic", "priority"} & set(second)
    assert document["schema_version"] == 2
    schema = json.loads(report.SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.validate(document, schema, cls=jsonschema.Draft202012Validator)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {**document, "deps": [{**first, "pic": ["@a"]}]}, schema, cls=jsonschema.Draft202012Validator
        )


# --- what an area page shows ----------------------------------------------------------------------


def test_the_area_view_groups_by_status_names_pics_and_what_waits() -> None:
    from datetime import date

    config = DepConfig(areas=AREAS)
    texts = {
        "deps/router/0001-a.md": proposal(
            "A", ":pic: @rpei", ":priority: P1", *REVIEW, status="Under Review"
        ),
        "deps/router/0002-b.md": proposal("B", *REVIEW, status="Under Review"),
        "deps/0003-c.md": proposal("C", ":area: router, kv-memory", ":pic: @zfan"),
        "deps/0004-d.md": proposal("D", ":area: kv-memory", status="Approved"),
    }
    deps = [dep for path, text in texts.items() if (dep := parse_file(text, path, config)[0]) is not None]
    view = areaview.area_view(deps, config, "router", date(2026, 3, 2))
    assert [(status, [row["id"] for row in rows]) for status, rows in view.by_status] == [
        ("In Progress", ["DEP-0003"]),
        ("Under Review", ["DEP-0001", "DEP-0002"]),
    ]
    # Each owner, and a PIC who owns none of the area's (the rule reports it; the page shows it).
    assert [(pic.handle, pic.owner, [row["id"] for row in pic.rows]) for pic in view.pics] == [
        ("@rpei", True, ["DEP-0001"]),
        ("@gking", True, []),
        ("@zfan", False, ["DEP-0003"]),
    ]
    assert [(item.row["id"], item.reasons) for item in view.waiting] == [
        ("DEP-0001", ["review date 2026-03-01 passed"]),
        ("DEP-0002", ["Under Review without a PIC", "review date 2026-03-01 passed", "no priority"]),
        ("DEP-0003", ["no priority"]),
    ]
    overview = areaview.overview(deps, config, date(2026, 3, 2))
    assert [(s.key, s.total, s.open, s.under_review, s.waiting) for s in overview] == [
        ("router", 3, 3, 2, 3),
        ("kv-memory", 2, 1, 0, 1),
        ("backend-vllm", 0, 0, 0, 0),
    ]


def _text(html: str, cls: str) -> str:
    """The text of the first element whose class list holds ``cls``, blanks folded."""
    match = re.search(rf'<(\w+) class="[^"]*\b{re.escape(cls)}\b[^"]*"', html)
    assert match, cls
    tag, start = match.group(1), match.start()
    depth, pos = 0, start
    for found in re.finditer(rf"<(/?){tag}\b[^>]*>", html[start:]):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            pos = start + found.end()
            break
    text = re.sub(r"<[^>]+>", " ", html[start:pos]).replace("&#64;", "@")
    return " ".join(text.split())


def test_the_site_shows_area_pages_the_overview_and_the_card(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1772409600")  # 2026-03-02: the review date has passed
    files = {
        "index.md": "# P\n\n```{toctree}\n:glob:\n\ndeps/**\nrouter\n```\n\n```{dep-areas}\n```\n",
        "router.md": "# The router area\n\n```{dep-area} Router\n```\n",
        "deps/router/0001-a.md": proposal(
            "A", ":pic: @rpei", ":priority: P1", *REVIEW, status="Under Review"
        ),
        "deps/router/0002-b.md": proposal("B", ":priority: P2"),
        "deps/kv-memory/0003-c.md": proposal("C", ":area: kv-memory, router", ":pic: @zfan", ":priority: P0"),
    }
    srcdir = write_project(tmp_path / "src", files, conf=CONF, index=None)
    build = build_in_process(srcdir, tmp_path / "out")
    assert build.warnings == []
    area = (build.outdir / "router.html").read_text(encoding="utf-8")
    assert _text(area, "dep-area-facts") == (
        "Router · label router · team @ai-dynamo/router · code components/src/dynamo/router/ , lib/llm/src/kv_router/"
    )
    assert _text(area, "dep-area-table") == (
        "DEP Title Status PIC Priority DEP-0002 B In Progress P2 DEP-0003 C In Progress @zfan P0"
    )
    assert (
        _text(area, "dep-area-pics")
        == "Person Role PIC of @rpei owner DEP-0001 @gking owner @zfan not an owner of this area DEP-0003"
    )
    assert _text(area, "dep-area-waiting") == (
        "DEP Title Status Waiting on DEP-0001 A Under Review review date 2026-03-01 passed"
    )
    index = (build.outdir / "index.html").read_text(encoding="utf-8")
    assert _text(index, "dep-areas-table") == (
        "Area Key Team Owners Proposals Open Under review Waiting "
        "Router router @ai-dynamo/router @rpei , @gking 3 3 1 1 "
        "KV/Memory kv-memory @rpei , @zfan 1 1 0 0 "
        "Backend: vLLM backend-vllm @aflowers 0 0 0 0"
    )
    assert '<a class="dep-area-link reference internal" href="router.html">Router</a>' in index
    card = (build.outdir / "deps" / "kv-memory" / "0003-c.html").read_text(encoding="utf-8")
    assert _text(card, "dep-fields").startswith(
        "Authors : @alice Areas : KV/Memory , Router PIC : @zfan Priority : P0"
    )
    published = json.loads((build.outdir / "deps.json").read_text(encoding="utf-8"))
    assert [(d["id"], d.get("areas"), d.get("pic"), d.get("priority")) for d in published["deps"]] == [
        ("DEP-0001", ["router"], "@rpei", "P1"),
        ("DEP-0002", ["router"], None, "P2"),
        ("DEP-0003", ["kv-memory", "router"], "@zfan", "P0"),
    ]


def test_an_area_page_naming_no_area_warns_at_the_directive(tmp_path: Path) -> None:
    files = {
        "index.md": "# P\n\n```{toctree}\n:glob:\n\ndeps/*\n```\n\n```{dep-area} routr\n```\n",
        "deps/0001-a.md": proposal("A"),
    }
    srcdir = write_project(tmp_path / "src", files, conf=CONF, index=None)
    build = build_in_process(srcdir, tmp_path / "out")
    assert build.warnings == [
        "index.md:9: dep-area: unknown area 'routr' (declared: router, kv-memory, backend-vllm); "
        "did you mean router? [dep.area]"
    ]


# --- commands across area folders -------------------------------------------------------------------

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **GIT_ENV}
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Proposals in two area folders and at the top, in git, and the current folder in it."""
    root = tmp_path / "proj"
    write_project(
        root,
        {
            "deps/0001-top.md": proposal("Top", ":area: router"),
            "deps/router/0004-route.md": proposal(
                "Route", ":sponsor: @sam", ":required-reviewers: @marco (approved)", status="Approved"
            ),
            "deps/kv-memory/0002-cache.md": proposal("Cache"),
        },
        conf=CONF,
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "three proposals")
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(root)
    return root


def test_dep_new_area_creates_the_draft_in_the_area_folder(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "new", "Faster routes", "--area", "Router", "--author", "@alice")
    assert (code, out.splitlines()[0]) == (
        0,
        "created deps/router/0000-faster-routes.md from the package's limited template",
    )
    text = (project / "deps" / "router" / "0000-faster-routes.md").read_text()
    assert ":area: router\n" in text
    code, out, _ = run(capsys, "new", "Shared", "--area", "kv-memory,router", "--flat")
    assert code == 0 and ":area: kv-memory, router\n" in (project / "deps" / "0000-shared.md").read_text()
    code, out, err = run(capsys, "new", "Bad", "--area", "routr")
    assert (code, err) == (
        2,
        "dep new: --area: unknown area 'routr' (declared: router, kv-memory, backend-vllm); did you mean router?\n",
    )
    assert not list(project.rglob("0000-bad.md"))


def test_dep_new_area_without_declared_areas_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_project(tmp_path / "p", {"deps/0001-x.md": proposal("X")})
    monkeypatch.chdir(tmp_path / "p")
    code, _, err = run(capsys, "new", "Y", "--area", "router")
    assert (code, err) == (
        2,
        "dep new: --area: no areas are declared (dep_areas in conf.py, or [tool.dep.areas.<key>])\n",
    )


def test_numbering_is_global_across_area_folders(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Another branch holds DEP-0007 in an area folder: the next number is 8, wherever the draft is.
    git(project, "checkout", "-q", "-b", "other")
    (project / "deps" / "backend-vllm").mkdir()
    (project / "deps" / "backend-vllm" / "0007-engine.md").write_text(proposal("Engine"))
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "seven")
    git(project, "checkout", "-q", "main")
    run(capsys, "new", "Next", "--area", "kv-memory")
    code, out, _ = run(capsys, "number", "deps/kv-memory/0000-next.md")
    assert (code, out) == (
        0,
        "deps/kv-memory/0000-next.md -> deps/kv-memory/0008-next.md: numbered DEP-0008, :number: 8\n",
    )
    # Without the other branch, the work tree's own area folders count: 8 is taken now.
    code, out, _ = run(capsys, "renumber", "deps/kv-memory/0002-cache.md")
    assert (code, out.splitlines()[0]) == (
        0,
        "deps/kv-memory/0002-cache.md -> deps/kv-memory/0009-cache.md: DEP-0002 -> DEP-0009 (git mv, staged)",
    )
    assert (project / "deps" / "kv-memory" / "0009-cache.md").is_file()


def test_numbering_counts_proposals_at_any_depth(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A1 (red team): lint and the build read proposals at any depth, so numbering counts them
    there too; it looked one level down and handed out 7 again for ``deps/router/sub/0007-x.md``."""
    (project / "deps" / "router" / "sub").mkdir()
    (project / "deps" / "router" / "sub" / "0007-nested.md").write_text(proposal("Nested"))
    (project / "deps" / "0005-kv").mkdir()
    (project / "deps" / "0005-kv" / "0006-inner.md").write_text(proposal("Inner"))
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "deep")
    (project / "deps" / "0000-another.md").write_text(proposal("Another"))
    code, out, _ = run(capsys, "number", "deps/0000-another.md")
    assert (code, out) == (0, "deps/0000-another.md -> deps/0008-another.md: numbered DEP-0008, :number: 8\n")


def test_lint_and_gate_find_proposals_in_area_folders(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "deps" / "router" / "0005-stray.md").write_text(proposal("Stray", ":area: kv-memory"))
    code, out, _ = run(capsys, "lint")
    assert (code, out) == (
        1,
        "deps/router/0005-stray.md:7: in the folder of area 'router', but :area: names kv-memory; add router "
        "to :area:, or move the file to the folder of its area [dep.area_folder]\n",
    )
    code, out, _ = run(capsys, "gate", "--text", "Implements DEP-0004 and DEP-0002")
    assert (code, out) == (
        1,
        "ok   DEP-0004 (Route): Approved\n"
        "FAIL DEP-0002 (Cache): In Progress; it must be Approved or Implemented before this merges\n",
    )


# --- the migrator: the drafts' area language ---------------------------------------------------------

#: The area table of ``0000-dep-area-taxonomy.md``: (Area, Label, Team, Key Paths), as written.
TAXONOMY = [
    ("External API", "external-api", "@ai-dynamo/external-api", ["lib/llm/src/http/", "lib/llm/src/grpc/"]),
    ("Frontend", "frontend", "@ai-dynamo/frontend", ["components/src/dynamo/frontend/"]),
    ("Router", "router", "@ai-dynamo/router", ["components/src/dynamo/router/", "lib/llm/src/kv_router/"]),
    ("Backend: vLLM", "backend-vllm", "@ai-dynamo/backend-vllm", ["components/src/dynamo/vllm/"]),
    ("Backend: TRT-LLM", "backend-trtllm", "@ai-dynamo/backend-trtllm", ["components/src/dynamo/trtllm/"]),
    ("Backend: SGLang", "backend-sglang", "@ai-dynamo/backend-sglang", ["components/src/dynamo/sglang/"]),
    ("KV/Memory", "kv-memory", "@ai-dynamo/kv-memory", ["lib/memory/", "lib/runtime/src/transports/"]),
    ("Multimodal", "multimodal", "@ai-dynamo/multimodal", ["examples/multimodal/"]),
    ("Planner", "planner", "@ai-dynamo/planner", ["components/src/dynamo/planner/"]),
    ("Core Platform", "core-platform", "@ai-dynamo/core-platform", ["lib/runtime/", "lib/bindings/"]),
    ("Observability", "observability", "@ai-dynamo/observability", ["deploy/observability/"]),
    ("Fault Tolerance", "fault-tolerance", "@ai-dynamo/fault-tolerance", ["tests/fault_tolerance/"]),
    ("Inference Gateway", "gateway", "@ai-dynamo/gateway", ["deploy/inference-gateway/"]),
    ("DevOps", "devops", "@ai-dynamo/devops", [".github/", "container/"]),
    ("Documentation", "docs", "@ai-dynamo/docs", ["docs/", "fern/", "*.md"]),
    (
        "Process",
        "process",
        "@ai-dynamo/process",
        ["CODEOWNERS", "CONTRIBUTING.md", ".github/ISSUE_TEMPLATE/"],
    ),
    ("K8s", "k8s", "@ai-dynamo/dynamo-deploy-codeowners", ["deploy/helm/", "deploy/snapshot/"]),
    ("DGDR", "dgdr", "@ai-dynamo/dgdr", ["deploy/operator/"]),
    ("XPU / Intel", "xpu", "@ai-dynamo/intel-hardware-support", []),  # Key Paths: TBD
]

_CORPUS = os.environ.get("DEP_CORPUS")
DRAFTS = (
    Path(_CORPUS).parent if _CORPUS else Path(__file__).parents[2] / "shared" / "corpus"
) / "dynamo-enhancements-drafts"


@pytest.mark.skipif(not DRAFTS.is_dir(), reason=f"the drafts are not at {DRAFTS} (set DEP_CORPUS)")
def test_the_drafts_area_language_migrates_to_area_where_clear_and_is_reported_where_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Real drafts, given the area language the drafts propose (a header line, a heading, the
    front matter of "Structured Metadata", the subdirectories of "Area-Based Organization"),
    under the taxonomy's areas: each value maps to a key where it names one area, and is kept
    as :legacy-area: and reported at its line where it does not."""
    drafts = DRAFTS / "deps"
    root = tmp_path / "p"
    areas = {
        label: {"name": name, "label": label, "team": team, "paths": paths}
        for name, label, team, paths in TAXONOMY
    }
    write_project(root, {}, conf=f'extensions = ["sphinxcontrib_dep"]\ndep_areas = {areas!r}\n', index=None)

    def put(name: str, target: str, edit: tuple[str, str] | None = None, front: str = "") -> None:
        text = (drafts / name).read_text(encoding="utf-8")
        if edit is not None:
            assert edit[0] in text
            text = text.replace(edit[0], edit[1], 1)
        path = root / "deps" / target
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(front + text, encoding="utf-8")

    category = "**Category**: Architecture\n"
    put(
        "0017-router-service-boundary-and-apis.md",
        "0017-router-service-boundary-and-apis.md",
        (category, category + "\n**Area**: Router\n"),
    )
    put(
        "0014-vllm-tts-audio-generation.md",
        "0014-vllm-tts-audio-generation.md",
        ("**Category**:", "**Area**: Backend: vLLM, KV/Memory\n\n**Category**:"),
    )
    pull = "**Pull Request**: https://github.com/ai-dynamo/enhancements/pull/15\n"
    put(
        "0015-stream-res-err.md",
        "0015-stream-res-err.md",
        (pull, pull + "\n## Area\n\nRouter, Observabilty\n"),
    )
    # "Backends" is an area of the process draft's table, not of the taxonomy's.
    put(
        "0016-live-aiperf.md",
        "0016-live-aiperf.md",
        front="---\narea: [backends]\npic: nnshah1\npriority: P1\n---\n",
    )
    # The process draft as it is: its YAML example ("area: process") is in a code block, not read.
    put("0000-dep-process-improvements.md", "0000-dep-process-improvements.md")
    put("0000-dep-process-improvements.md", "process/0000-dep-process-improvements.md")
    # "deps/kvbm/" is a subdirectory of the process draft's table, no area of the taxonomy's.
    put("0013-pipeline-refactor.md", "kvbm/0013-pipeline-refactor.md")
    monkeypatch.chdir(root)
    code, out, _ = run(capsys, "migrate", "deps", "--output", "out")
    assert code == 0
    area_lines = [line.strip() for line in out.splitlines() if re.search(r": (area|pic|priority): ", line)]
    declared = ", ".join(label for _, label, _, _ in TAXONOMY)
    assert area_lines == [
        "deps/0014-vllm-tts-audio-generation.md:7: area: 'Backend: vLLM' -> backend-vllm [normalised]",
        "deps/0014-vllm-tts-audio-generation.md:7: area: 'KV/Memory' -> kv-memory [normalised]",
        "deps/0015-stream-res-err.md:21: area: 'Router' -> router [normalised]",
        f"deps/0015-stream-res-err.md:21: area: unknown area 'Observabilty' (declared: {declared}); kept as "
        ":legacy-area:; did you mean observability? [needs a human]",
        "deps/0016-live-aiperf.md:2: area: 'backends' from the front matter [normalised]",
        "deps/0016-live-aiperf.md:3: pic: 'nnshah1' from the front matter, read as the GitHub handle @nnshah1 "
        "[normalised]",
        "deps/0016-live-aiperf.md:4: priority: 'P1' from the front matter [normalised]",
        f"deps/0016-live-aiperf.md:2: area: unknown area 'backends' (declared: {declared}); kept as "
        ":legacy-area: [needs a human]",
        "deps/0017-router-service-boundary-and-apis.md:9: area: 'Router' -> router [normalised]",
        f"deps/kvbm/0013-pipeline-refactor.md:1: area: in the folder kvbm/, which is no declared area "
        f"(declared: {declared}); move it to its area's folder, or declare the area [needs a human]",
        "deps/process/0000-dep-process-improvements.md:1: area: area process from its folder (deps/process/) "
        "[note]",
    ]

    def header(name: str) -> list[str]:
        text = (root / "out" / name).read_text(encoding="utf-8")
        return [
            line
            for line in text.split("```")[1].splitlines()
            if re.match(r":(legacy-)?(area|pic|priority):", line)
        ]

    assert header("0014-vllm-tts-audio-generation.md") == [":area: backend-vllm, kv-memory"]
    assert header("0015-stream-res-err.md") == [":area: router", ":legacy-area: Observabilty"]
    assert header("0016-live-aiperf.md") == [":pic: @nnshah1", ":priority: P1", ":legacy-area: backends"]
    assert header("0017-router-service-boundary-and-apis.md") == [":area: router"]
    assert header("0000-dep-process-improvements.md") == []
    assert header("process/0000-dep-process-improvements.md") == []  # the folder says it


def test_an_area_page_follows_a_changed_proposal_on_an_incremental_build(tmp_path: Path) -> None:
    files = {
        "index.md": "# P\n\n```{toctree}\n:glob:\n\ndeps/**\nrouter\n```\n",
        "router.md": "# Router\n\n```{dep-area} router\n```\n",
        "deps/router/0001-a.md": proposal("A", ":priority: P1"),
        "deps/0002-b.md": proposal("B", ":area: kv-memory"),
    }
    srcdir = write_project(tmp_path / "src", files, conf=CONF, index=None)
    first = build_in_process(srcdir, tmp_path / "out")
    assert first.warnings == []
    page = first.outdir / "router.html"
    assert (
        _text(page.read_text(encoding="utf-8"), "dep-area-table")
        == "DEP Title Status PIC Priority DEP-0001 A In Progress P1"
    )
    # Another proposal joins the area and the first gets a PIC: only the proposals are re-read.
    (srcdir / "deps" / "0002-b.md").write_text(proposal("B", ":area: kv-memory, router"))
    (srcdir / "deps" / "router" / "0001-a.md").write_text(proposal("A", ":priority: P1", ":pic: @gking"))
    second = build_in_process(srcdir, tmp_path / "out", fresh=False)
    assert second.warnings == []
    assert _text(page.read_text(encoding="utf-8"), "dep-area-table") == (
        "DEP Title Status PIC Priority DEP-0001 A In Progress @gking P1 DEP-0002 B In Progress"
    )
