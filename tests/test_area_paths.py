"""Area code paths (``dep_areas`` ``paths``) are CODEOWNERS patterns: what each one names,
and that matching one costs the pattern's segments times the path's, whatever its ``**``."""

from __future__ import annotations

import pytest

from sphinxcontrib_dep.core.areas import _matches

CASES = [
    ("lib/llm/src/kv_router/", "lib/llm/src/kv_router/indexer.rs", True),
    ("lib/llm/src/kv_router/", "lib/llm/src/kv_router", False),  # a folder pattern names no file
    ("lib/llm/src/kv_router/", "lib/llm/src/kv_routerx/a.rs", False),
    ("/lib/runtime/", "lib/runtime/src/lib.rs", True),
    ("lib/runtime", "lib/runtime/src/lib.rs", True),  # a file or a folder: what is under it
    ("lib/runtime", "other/lib/runtime/x", False),  # anchored: it holds a '/'
    ("*.md", "README.md", True),
    ("*.md", "docs/guide/intro.md", True),  # no '/': at any depth
    ("*.md", "docs/guide/intro.mdx", False),
    ("docs/*.md", "docs/a.md", True),
    ("docs/*.md", "docs/sub/a.md", False),  # '*' stays in one segment
    ("docs/**/*.md", "docs/a.md", True),  # '**' is zero or more folders
    ("docs/**/*.md", "docs/x/y/a.md", True),
    ("**/kv/**/*.rs", "lib/kv/a/b/c.rs", True),
    ("**/kv/**/*.rs", "lib/kv/a/b/c.py", False),
    ("CODEOWNERS", "CODEOWNERS", True),
    ("CODEOWNERS", ".github/CODEOWNERS", True),
    ("components/src/dynamo/?outer/", "components/src/dynamo/router/x.py", True),
    (".github/ISSUE_TEMPLATE/", ".github/ISSUE_TEMPLATE/bug.md", True),
]


@pytest.mark.parametrize(("pattern", "path", "expected"), CASES)
def test_what_a_pattern_names(pattern: str, path: str, expected: bool) -> None:
    assert _matches(pattern, path) is expected


def test_many_stars_on_a_long_path_are_answered() -> None:
    """T2 (red team): ``**/**/**/x`` took 46 s on one long path as a regular expression, and a
    pull request chooses its paths. Answered here in well under the time a test allows; the
    cost is counted, not timed: one segment match per (pattern segment, path segment) at most."""
    import sphinxcontrib_dep.core.areas as areas

    calls = 0
    real = areas._segment_matches

    def counting(pattern: str, text: str) -> bool:
        nonlocal calls
        calls += 1
        return real(pattern, text)

    path = "/".join(["a"] * 400) + "/y"
    areas._segment_matches = counting  # type: ignore[assignment]
    try:
        assert not _matches("**/**/**/x", path)
        assert _matches("**/a/**/a/**/y", path)
    finally:
        areas._segment_matches = real  # type: ignore[assignment]
    assert calls <= 2 * 6 * 401
