"""A project whose proposals a weekly triage looks at: a scripted history over three months.

The areas are the real drafts' (``0000-dep-area-taxonomy.md``: Router, KV/Memory, External
API, Backend: vLLM, Core Platform, with their code paths); the proposals are named after
the features the drafts list as landed without a design record (the unix domain socket
transport, the concurrent KV event consumer, the standalone KV indexer runtime, FastTokens,
the Anthropic Messages API, the configuration consolidation). The triage is held on Friday
2025-06-13; the last one was 2025-06-06.
"""

from __future__ import annotations

from pathlib import Path

from gitrepo import ScriptedRepo

TODAY = "2025-06-13"

PYPROJECT = """\
[tool.dep]
id-prefix = "DEP-"
early-numbering = true

[tool.dep.areas.router]
name = "Router"
team = "@ai-dynamo/router"
owners = ["@rpei", "@grahamking"]
paths = ["components/src/dynamo/router/", "lib/llm/src/kv_router/"]

[tool.dep.areas.kv-memory]
name = "KV/Memory"
team = "@ai-dynamo/kv-memory"
owners = ["@rpei", "@ziqifan"]
paths = ["lib/memory/", "lib/runtime/src/transports/"]

[tool.dep.areas.external-api]
name = "External API"
team = "@ai-dynamo/external-api"
owners = ["@grahamking", "@rmccormick"]
paths = ["lib/llm/src/http/", "lib/llm/src/grpc/"]

[tool.dep.areas.backend-vllm]
name = "Backend: vLLM"
team = "@ai-dynamo/backend-vllm"
owners = ["@alecflowers", "@guanluo"]
paths = ["components/src/dynamo/vllm/"]

[tool.dep.areas.core-platform]
name = "Core Platform"
team = "@ai-dynamo/core-platform"
owners = ["@nnshah1"]
paths = ["lib/runtime/", "lib/bindings/"]
"""

CONF = 'project = "triage"\nextensions = ["sphinxcontrib_dep"]\n'

_SECTIONS = "\n## Summary\n\nText.\n\n## Motivation\n\nText.\n\n## Proposal\n\nText.\n\n## Alternate Solutions\n\nN/A\n"


def proposal(title: str, status: str, *lines: str) -> str:
    header = "\n".join([f":status: {status}", ":authors: @rpei", ":category: Architecture", *lines])
    return f"# {title}\n\n```{{dep-meta}}\n{header}\n```\n{_SECTIONS}"


def under_review(title: str, review_date: str, reviewers: str | None, *lines: str) -> str:
    extra = [":sponsor: @grahamking", f":review-date: {review_date}"]
    if reviewers:
        extra.append(f":required-reviewers: {reviewers}")
    return proposal(title, "Under Review", *extra, *lines)


def triage_project(root: Path) -> ScriptedRepo:
    """The scripted repository; the last file is written but not committed."""
    repo = ScriptedRepo(root)
    repo.commit(
        "2025-03-03T09:00:00",
        "Rudy Pei",
        {
            "conf.py": CONF,
            "pyproject.toml": PYPROJECT,
            "deps/0001-kv-routing.md": proposal(
                "KV-Aware Routing",
                "Approved",
                ":number: 1",
                ":sponsor: @grahamking",
                ":required-reviewers: @ziqifan (approved)",
                ":review-date: 2025-03-01",
            ),
            "deps/0000-kv-indexer-runtime.md": proposal("Standalone KV Indexer Runtime", "In Progress"),
        },
        "Propose the standalone KV indexer runtime",
    )
    repo.commit(
        "2025-04-01T10:00:00",
        "Rudy Pei",
        {
            "deps/0004-kv-indexer-runtime.md": proposal(
                "Standalone KV Indexer Runtime", "In Progress", ":number: 4"
            )
        },
        "Number the KV indexer runtime",
        renames={"deps/0000-kv-indexer-runtime.md": "deps/0004-kv-indexer-runtime.md"},
    )
    repo.commit(
        "2025-04-15T12:00:00",
        "Alec Flowers",
        {
            "deps/0005-prefill-queue.md": proposal(
                "Prefill Queue",
                "Rejected",
                ":number: 5",
                ":decision: @alecflowers: the router queues prefill already.",
            )
        },
        "Record the rejected prefill queue",
    )
    repo.commit(
        "2025-05-20T14:00:00",
        "Ziqi Fan",
        {
            "deps/0002-unix-socket-transport.md": under_review(
                "Unix Domain Socket Transport", "2025-06-10", "@dave (reviewing)", ":number: 2"
            )
        },
        "DEP-0002 under review",
    )
    repo.commit(
        "2025-06-02T08:30:00",
        "Neelay Shah",
        {
            "deps/0006-config-consolidation.md": under_review(
                "Configuration Consolidation", "2025-07-01", None, ":number: 6"
            )
        },
        "DEP-0006: consolidate configuration",
    )
    repo.commit(
        "2025-06-06T16:00:00",
        "Ryan McCormick",
        {"deps/0000-anthropic-messages.md": proposal("Anthropic Messages API", "In Progress")},
        "Draft: the Anthropic Messages API",
    )
    repo.commit(
        "2025-06-09T11:00:00",
        "Rudy Pei",
        {
            "deps/0003-kv-event-consumer.md": under_review(
                "Concurrent KV Event Consumer",
                "2025-06-18",
                "@ziqifan (approved), @erin (reviewing), @frank",
                ":number: 3",
            )
        },
        "DEP-0003 under review",
    )
    repo.commit(
        "2025-06-10T09:00:00",
        "Graham King",
        {"deps/0000-fast-tokens.md": proposal("FastTokens BPE Integration", "Not Started")},
        "Draft: FastTokens",
    )
    (root / "deps" / "0000-scheduling-policy.md").write_text(
        proposal("Pluggable Scheduling Policy", "Not Started"), encoding="utf-8"
    )
    return repo
