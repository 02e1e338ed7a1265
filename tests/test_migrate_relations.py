"""Issue 20: the drafts' "Extends" and "Related Proposals" migrate into :extends:/:related: where a
number names the proposal, and are reported at their line where not."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import SHARED

from sphinxcontrib_dep.core import parsing
from sphinxcontrib_dep.core.config import DepConfig
from sphinxcontrib_dep.migrate import Kind, migrate_text

DRAFTS = Path(os.environ.get("DEP_DRAFTS", SHARED / "corpus" / "dynamo-enhancements-drafts")) / "deps"
needs_drafts = pytest.mark.skipif(
    not DRAFTS.is_dir(), reason=f"the drafts corpus is not at {DRAFTS} (set DEP_DRAFTS to the drafts folder)"
)

#: The head of deps/0000-dep-issues-as-deps.md in the drafts, as written (lines 1-12).
ISSUES_AS_DEPS = """# GitHub Issues as DEPs

**Status**: Draft

**Authors**: [nnshah1](https://github.com/nnshah1)

**Category**: Process

**Extends**: [DEP-0000: Dynamo Enhancement Proposals](./0000-dep-process.md),
[DEP Process Improvements](./0000-dep-process-improvements.md)

**Replaces**: N/A
"""


def lines_of(text: str, path: str, fields: tuple[str, ...] = ("extends", "related")) -> list[str]:
    result = migrate_text(text, path)
    return [d.format() for d in result.decisions if d.field in fields]


def test_extends_to_unnumbered_drafts_is_reported_and_kept() -> None:
    result = migrate_text(ISSUES_AS_DEPS, "deps/0000-dep-issues-as-deps.md")
    assert "extends" not in result.options
    assert result.options["legacy-extends"] == (
        "[DEP-0000: Dynamo Enhancement Proposals](./0000-dep-process.md), "
        "[DEP Process Improvements](./0000-dep-process-improvements.md)"
    )
    assert lines_of(ISSUES_AS_DEPS, "deps/0000-dep-issues-as-deps.md") == [
        "deps/0000-dep-issues-as-deps.md:9: extends: '[DEP-0000: Dynamo Enhancement Proposals](./0000-dep-process.md)' "
        "links to 0000-dep-process.md, an unnumbered draft; kept as :legacy-extends: [needs a human]",
        "deps/0000-dep-issues-as-deps.md:9: extends: '[DEP Process Improvements](./0000-dep-process-improvements.md)' "
        "links to 0000-dep-process-improvements.md, an unnumbered draft; kept as :legacy-extends: [needs a human]",
    ]


def test_extends_with_numbers_is_read() -> None:
    text = ISSUES_AS_DEPS.replace("./0000-dep-process.md", "./0001-dep-process.md").replace(
        "./0000-dep-process-improvements.md", "./0009-dep-process-improvements.md"
    )
    text += "\n**Related Proposals**: DEP-0004, [Area taxonomy](0012-dep-area-taxonomy.md)\n"
    result = migrate_text(text, "deps/0000-dep-issues-as-deps.md")
    # The label's DEP-0000 is the drafts' placeholder; the file's name carries the number.
    assert result.options["extends"] == "DEP-0001, DEP-0009"
    assert result.options["related"] == "DEP-0004, DEP-0012"
    assert "legacy-extends" not in result.options
    dep, problems = parsing.parse_meta(result.options, path="deps/0000-x.md", config=DepConfig())
    assert problems == []
    assert [r.number for r in dep.extends] == [1, 9]


def test_a_replaces_aside_names_the_relation() -> None:
    text = (
        "# DEP Process Improvements\n\n**Status**: Draft\n\n"
        "**Replaces**: N/A (extends [DEP-0000: Dynamo Enhancement Proposals](./0003-dep-process.md))\n"
    )
    result = migrate_text(text, "deps/0000-dep-process-improvements.md")
    assert "replaces" not in result.options
    assert result.options["extends"] == "DEP-0003"
    assert lines_of(text, "deps/0000-x.md", ("replaces", "extends")) == [
        "deps/0000-x.md:5: replaces: the aside names a relation, not a replacement: read as :extends: [normalised]",
        "deps/0000-x.md:5: extends: '[DEP-0000: Dynamo Enhancement Proposals](./0003-dep-process.md)' -> DEP-0003 "
        "[normalised]",
        "deps/0000-x.md:5: replaces: 'N/A' -> none [empty]",
    ]


SECTION = """# Router

**Status**: Draft

**Extends**: DEP-0002

# Summary

Text.

# Related Proposals

* [DEP-0000: Dynamo Enhancement Proposals](./0000-dep-process.md) — The
  original process definition
* [Process improvements](./0002-process-improvements.md) — this proposal extends it
* [Area taxonomy](0007-area-taxonomy.md) — areas and PICs
* DEP-0005: LLM Request Migration
* DEP-XXXX: CRD Conversion Webhooks (future)
* CODEOWNERS Restructuring (future DEP)
* [RFC](https://github.com/ai-dynamo/aiperf/issues/1)

```
* [Not an item](0009-in-a-code-block.md)
```

# Alternate Solutions
* [After the section](0011-x.md)
"""


def test_related_proposals_section() -> None:
    result = migrate_text(SECTION, "deps/0004-router.md")
    assert result.options["extends"] == "DEP-0002"
    assert result.options["related"] == "DEP-0007, DEP-0005"
    assert "# Related Proposals\n\n* [DEP-0000" in result.new_text  # the section stays as written
    assert lines_of(SECTION, "deps/0004-router.md") == [
        "deps/0004-router.md:13: related: '[DEP-0000: Dynamo Enhancement Proposals](./0000-dep-process.md) — The…' "
        "links to 0000-dep-process.md, an unnumbered draft; left in the Related Proposals section "
        "(name it in :related: once it has a number) [needs a human]",
        "deps/0004-router.md:15: related: DEP-0002: already named in the header [note]",
        "deps/0004-router.md:16: related: '[Area taxonomy](0007-area-taxonomy.md) — areas and PICs' -> DEP-0007 "
        "(Related Proposals) [normalised]",
        "deps/0004-router.md:17: related: 'DEP-0005: LLM Request Migration' -> DEP-0005 (Related Proposals) [normalised]",
        "deps/0004-router.md:18: related: 'DEP-XXXX: CRD Conversion Webhooks (future)' DEP-XXXX is a placeholder, "
        "not a number; left in the Related Proposals section (name it in :related: once it has a number) "
        "[needs a human]",
        "deps/0004-router.md:19: related: 'CODEOWNERS Restructuring (future DEP)' names no proposal by number or "
        "file; left in the Related Proposals section (name it in :related: once it has a number) [needs a human]",
        "deps/0004-router.md:20: related: '[RFC](https://github.com/ai-dynamo/aiperf/issues/1)' links to a page, "
        "not to a proposal file of this project; left in the Related Proposals section "
        "(name it in :related: once it has a number) [needs a human]",
    ]


def test_an_item_that_says_extends_goes_to_extends() -> None:
    text = SECTION.replace("**Extends**: DEP-0002\n\n", "")
    result = migrate_text(text, "deps/0004-router.md")
    assert result.options["extends"] == "DEP-0002"
    assert result.options["related"] == "DEP-0007, DEP-0005"


def test_front_matter_relations() -> None:
    text = (
        "---\ndep: 0000\nextends: 0000-dep-process        # builds on an existing DEP\n"
        "related: [0007-router, DEP-0003]\n---\n# X\n\n**Status**: Draft\n"
    )
    result = migrate_text(text, "deps/0000-x.md")
    assert result.options["related"] == "DEP-0007, DEP-0003"
    assert "extends" not in result.options
    assert result.new_text.startswith(text[: text.index("# X")])  # the front matter is left as it is
    assert lines_of(text, "deps/0000-x.md") == [
        "deps/0000-x.md:3: extends: front matter '0000-dep-process' names an unnumbered draft; not read [needs a human]",
        "deps/0000-x.md:4: related: front matter '0007-router' -> DEP-0007 (the front matter is left as it is) "
        "[normalised]",
        "deps/0000-x.md:4: related: front matter 'DEP-0003' -> DEP-0003 (the front matter is left as it is) "
        "[normalised]",
    ]


@needs_drafts
def test_the_drafts_migrate_where_clear_and_are_reported_where_not() -> None:
    found: dict[str, dict[str, str]] = {}
    human: dict[str, list[int]] = {}
    for path in sorted(DRAFTS.glob("*.md")):
        result = migrate_text(path.read_text(encoding="utf-8"), f"deps/{path.name}")
        relations = {k: v for k, v in result.options.items() if k in {"extends", "related"}}
        if relations:
            found[path.name] = relations
        lines = [
            d.line or 0
            for d in result.decisions
            if d.kind is Kind.HUMAN and d.field in {"extends", "related"}
        ]
        if lines:
            human[path.name] = lines
    # Where a number names the proposal: an id (DEP-0005) or a numbered file's name (0016-x.md).
    assert found == {
        "0000-backend-frontend-contract.md": {"related": "DEP-0005"},  # "- DEP-0005: LLM Request Migration"
        "NNNN-error-standardization.md": {"related": "DEP-0005, DEP-0001"},
        "0016-live-aiperf.md": {"related": "DEP-0004"},
        "0017-router-service-boundary-and-apis.md": {"related": "DEP-0016, DEP-0005"},
    }
    # Every Extends of the drafts links a 0000- draft: reported, at each line.
    assert human == {
        "0000-backend-frontend-contract.md": [743, 744],
        "0000-dep-issues-as-deps.md": [9, 9, 823, 825, 827],
        "0000-dep-process-improvements.md": [9, 501, 503, 505],
        "0000-feature-stability-policy.md": [597, 598, 599],
        "0000-kubernetes-api-formalization.md": [342, 343, 344],
        "0000-python-bindings-api.md": [301, 302, 303],
        "0011-dep-process.md": [14, 14, 278, 279],
        "0013-pipeline-refactor.md": [63],
        "0016-live-aiperf.md": [533],
        "0017-router-service-boundary-and-apis.md": [345],
        # Links to files that are no proposals (research/10-indexed-jobs-vs-jobset-comparison.md).
        "AIP-0002-kubernetes-deployment.md": [584, 585],
    }
    # NNNN-testing-strategy.md's section is the template's own "* File" lines: nothing to report.
