"""Injection: a hostile corpus built with the real ``sphinx-build`` carries no live payload.

Every field of a proposal (title, authors, sponsor, reviewers, links, decision, legacy
values, option names) and its body hold HTML, script, attribute-breaking quotes and
Markdown/reStructuredText markup. The whole output is then read with an HTML parser (not
grepped: an escaped ``&quot;onerror=`` inside a link is harmless, a real attribute is
not) and every page, script and JSON file is checked for anything a browser would run.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import CONF, INDEX, sphinx_build, write_project

#: Every payload calls alert(<n>) with its own n, so a live one names where it came from.
HOSTILE_MD = """\
# Title <script>alert(1)</script> "quoted" **bold** <img src=x onerror=alert(2)>

```{dep-meta}
:status: Under Review
:authors: Eve "><script>alert(3)</script>, [Mal](https://example.com/"onmouseover="alert(4)), @grahamking
:sponsor: O'Brien "the <i>sponsor</i>" *emph* `code` <svg onload=alert(5)>
:category: Process
:required-reviewers: @ryanolson (approved), Trudy <https://example.com/"onerror="alert(6)> (reviewing)
:implementation: https://github.com/a/b/pull/1?x="><script>alert(7)</script>, javascript:alert(8), https://github.com/a/b/pull/2
:pull-request: data:text/html;base64,PHNjcmlwdD5hbGVydCg5KTwvc2NyaXB0Pg==
:decision: <script>alert(10)</script> and [x](javascript:alert(11)) and ``{raw}`` <b onclick=alert(12)>
:replaces: https://example.com/"onfocus="alert(13)
:legacy-notes: <iframe src=javascript:alert(14)></iframe>
:<img src=x onerror=alert(15)>: option name
```

## Summary

A paragraph with <span onclick="alert(16)">inline HTML</span>, a [link](javascript:alert(17)),
an autolink <javascript:alert(18)> and a safe line break<br/>.

<div><script>alert(19)</script></div>

```{raw} html
<iframe src="javascript:alert(20)"></iframe>
```

:::{note}
In a note: <a href="JaVaScRiPt:alert(21)">click</a> <object data="x" onload=alert(22)>.
:::

```html
<script>alert(23)</script> in a code block is text, which is fine.
```

## Alternate Solutions

```{dep-alternative} Use <script>alert(24)</script> "quotes" *emph*
**Pros:**
- Fast <img src=x onerror=alert(25)>, see [x](javascript:alert(26))
**Cons:**
- <b onclick="alert(27)">bold</b>
**Reason rejected:**
- "><svg onload=alert(28)>
```

## Implementation Phases

```{dep-phase} 1 Phase <script>alert(29)</script>
:release-target: 0.4"><script>alert(30)</script>
:effort: <img src=x onerror=alert(38)>
:work-items: https://github.com/a/b/issues/1, javascript:alert(39), https://example.com/"onclick="alert(40)

**Supported:**
- <iframe src=javascript:alert(41)></iframe>
**Not supported:**
- [y](vbscript:alert(42))
```
"""

HOSTILE_RST = """\
Title <script>alert(31)</script>
================================

.. dep-meta::
   :status: In Progress
   :authors: @a, <b onclick=alert(32)>x</b>
   :category: Process
   :decision: `x <javascript:alert(33)>`_

Summary
-------

A `link <javascript:alert(34)>`_, `data <data:text/html,alert(35)>`_ and
`vb <vbscript:alert(36)>`_.

.. raw:: html

   <img src=x onerror=alert(37)>
"""

#: A second, clean proposal that links to the hostile one, so the payloads reach roles,
#: cross-references and every listing (index, search, navigation) too.
CLEAN = """\
# Clean

```{dep-meta}
:status: In Progress
:authors: @a
:category: Process
:replaces: DEP-0001
```

## Summary

See {dep}`1` and {dep}`the <b>hostile</b> one <1>`.
"""

#: Every whole-corpus view, so the payloads go through tables, the graph and deps.json too.
VIEWS = """
```{dep-index}
```

```{dep-traceability}
```

```{dep-review-report}
```

```{dep-graph}
```
"""

_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "background"}
_ACTIVE_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}
_PAYLOAD_RE = re.compile(r"alert\(\d+\)")


class LivePayloads(HTMLParser):
    """What a browser would run: script with a payload, handlers, script URLs, frames."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _ACTIVE_TAGS:
            self.found.append(f"<{tag}>")
        if tag == "script":
            self._script = True
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value[:40]}>")
            clean = re.sub(r"[\x00-\x20]", "", value).lower()
            if name in _URL_ATTRIBUTES and clean.startswith(("javascript:", "vbscript:", "data:text")):
                self.found.append(f"<{tag} {name}={value[:40]}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = False

    def handle_data(self, data: str) -> None:
        if self._script and _PAYLOAD_RE.search(data):
            self.found.append(f"<script>{data.strip()[:40]}")


def live_payloads(html: str) -> list[str]:
    parser = LivePayloads()
    parser.feed(html)
    parser.close()
    return parser.found


def scan_output(outdir: Path) -> dict[str, list[str]]:
    """Live payloads per output file: pages, and any ``alert(n)`` in a script of our own."""
    found: dict[str, list[str]] = {}
    for path in sorted(outdir.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(outdir).as_posix()
        if path.suffix == ".html":
            hits = live_payloads(path.read_text(encoding="utf-8"))
        elif path.suffix == ".json":
            # Data, never markup: a payload must stay a JSON string (loads() proves it parses).
            json.loads(path.read_text(encoding="utf-8"))
            hits = []
        elif path.suffix == ".svg":
            hits = live_payloads(path.read_text(encoding="utf-8"))
        else:
            continue
        if hits:
            found[name] = hits
    return found


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("hostile")
    srcdir = write_project(
        root / "src",
        {
            "deps/0001-hostile.md": HOSTILE_MD,
            "deps/0002-clean.md": CLEAN,
            "deps/0003-hostile-rst.rst": HOSTILE_RST,
        },
        conf=CONF + "needs_build_json = True\n",
        index=INDEX + VIEWS,
    )
    return sphinx_build(srcdir, root / "out")


def test_the_detector_sees_live_payloads() -> None:
    """The check below could fail: each shape of payload is found on a doctored page."""
    page = (
        '<p><script>alert(1)</script><img src="x" onerror="alert(2)"><a href=" JaVaScRiPt:alert(3)">x</a>'
        '<iframe src="x"></iframe><a href="data:text/html,x">y</a></p>'
    )
    assert live_payloads(page) == [
        "<script>alert(1)",
        "<img onerror=alert(2)>",
        "<a href= JaVaScRiPt:alert(3)>",
        "<iframe>",
        "<a href=data:text/html,x>",
    ]
    assert live_payloads('<a href="https://x/&quot;onerror=&quot;alert(1)">&lt;script&gt;alert(2)</a>') == []


def test_hostile_corpus_builds_without_live_payload(hostile_build) -> None:
    assert hostile_build.returncode == 0, hostile_build.output
    assert scan_output(hostile_build.outdir) == {}


def test_the_payloads_are_on_the_page_as_text(hostile_build) -> None:
    """Escaped, not dropped: the reader sees what the author wrote."""
    page = (hostile_build.outdir / "deps/0001-hostile.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in page  # the title's and the body's script tags, as text
    assert "onclick=&quot;alert(16)&quot;" in page or "onclick=”alert(16)”" in page
    assert "&lt;iframe" in page
    rst = (hostile_build.outdir / "deps/0003-hostile-rst.html").read_text(encoding="utf-8")
    assert "onerror=alert(37)" in rst and "&lt;img" in rst


def test_each_refusal_is_a_located_warning(hostile_build) -> None:
    warnings = hostile_build.warnings
    raw = [w for w in warnings if w.endswith("[dep.raw_html]")]
    urls = [w for w in warnings if w.endswith("[dep.url]")]
    assert "deps/0001-hostile.md:1: raw HTML shown as text: tag <script> is not allowed [dep.raw_html]" in raw
    assert (
        "deps/0001-hostile.md:24: raw HTML shown as text: tag <iframe> is not allowed [dep.raw_html]" in raw
    )
    assert (
        "deps/0001-hostile.md:28: raw HTML shown as text: tag <object> is not allowed [dep.raw_html]" in raw
    )
    assert (
        "deps/0003-hostile-rst.rst:16: raw HTML shown as text: attribute 'onerror' on <img> is not allowed [dep.raw_html]"
        in raw
    )
    assert (
        "deps/0001-hostile.md:9: :implementation: 'javascript:alert(8)' is not an http(s) URL; it is left out [dep.url]"
        in urls
    )
    # Links in reStructuredText body text, seen by `dep lint` too, each on its own line.
    assert (
        "deps/0003-hostile-rst.rst:13: link 'javascript:alert(34)' is not http(s), mailto or relative; "
        "shown as text [dep.url]" in urls
    )
    assert (
        "deps/0003-hostile-rst.rst:14: link 'vbscript:alert(36)' is not http(s), mailto or relative; "
        "shown as text [dep.url]" in urls
    )
    # Every warning is located in a file, at a line.
    assert all(re.match(r"^[\w./-]+:\d+: ", w) for w in warnings), warnings


def test_the_views_and_deps_json_carry_the_payloads_as_text(hostile_build) -> None:
    index = (hostile_build.outdir / "index.html").read_text(encoding="utf-8")
    assert index.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3  # index, traceability, review report
    # The graph is inline SVG: its labels and tooltips hold the title as text.
    graph = index[index.index("<svg") : index.index("</svg>")]
    assert ">&lt;script&gt;alert(1)&lt;/script&gt;</text>" in graph
    assert (
        'xlink:title="DEP&#45;0001: Title &lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot;' in graph
    )
    data = json.loads((hostile_build.outdir / "deps.json").read_text(encoding="utf-8"))
    assert "<script>alert(1)</script>" in json.dumps(data, ensure_ascii=False)


def test_alternatives_and_phases_carry_the_payloads_as_text(hostile_build) -> None:
    page = (hostile_build.outdir / "deps/0001-hostile.html").read_text(encoding="utf-8")
    for payload in (
        "alert(24)",
        "alert(25)",
        "alert(27)",
        "alert(28)",
        "alert(29)",
        "alert(30)",
        "alert(41)",
    ):
        assert payload in page, payload  # shown, as text (no live payload: see above)
    data = json.loads((hostile_build.outdir / "needs.json").read_text(encoding="utf-8"))
    needs = next(iter(data["versions"].values()))["needs"]
    kinds = {need["type"] for need in needs.values()}
    assert {"alt", "phase"} <= kinds


def test_needs_json_keeps_payloads_as_plain_strings(hostile_build) -> None:
    data = json.loads((hostile_build.outdir / "needs.json").read_text(encoding="utf-8"))
    needs = next(iter(data["versions"].values()))["needs"]
    hostile = needs["DEP-0001"]
    assert "<script>alert(1)</script>" in hostile["title"]  # data, for consumers to escape
    # Links are only ever the http(s) URLs the core let through.
    links = [need.get(f) for need in needs.values() for f in ("url", "pull_request") if need.get(f)]
    assert links and all(link.startswith(("https://", "http://")) for link in links)


def test_trusting_all_html_is_what_lets_payloads_through(tmp_path: Path) -> None:
    """With ``dep_raw_html = "all"`` the detector fires: the transform is what protects."""
    srcdir = write_project(
        tmp_path / "src", {"deps/0001-hostile.md": HOSTILE_MD}, conf=CONF + 'dep_raw_html = "all"\n'
    )
    build = sphinx_build(srcdir, tmp_path / "out")
    found = scan_output(build.outdir)
    assert "<script>alert(19)" in found["deps/0001-hostile.html"]
    assert not any(w.endswith("[dep.raw_html]") for w in build.warnings)


#: A proposal's <meta> (front matter, rST ``meta``) and pages of the proposals folder that
#: are not named like proposals: neither gets past the policy.
HTML_META_MD = """\
---
myst:
  html_meta:
    "http-equiv=refresh": "0;url=https://evil.example/"
    'name=x a"><script>alert(1)</script><b=c': "hi"
---
# Meta

```{dep-meta}
:status: Draft
:authors: @a
:category: Process
```
"""

HTML_META_RST = """\
Meta
====

.. dep-meta::
   :status: Draft
   :authors: @a
   :category: Process

.. meta::
   :http-equiv=refresh: 0;url=https://evil.example/
   :name=x a"><script>alert(2)</script><b=c: hi
"""


def test_html_meta_of_a_proposal_runs_nothing(tmp_path: Path) -> None:
    srcdir = write_project(
        tmp_path / "src", {"deps/0001-meta.md": HTML_META_MD, "deps/0002-meta.rst": HTML_META_RST}
    )
    build = sphinx_build(srcdir, tmp_path / "out")
    for page in ("deps/0001-meta.html", "deps/0002-meta.html"):
        head = (build.outdir / page).read_text(encoding="utf-8").split("</head>")[0]
        assert "<script>alert(" not in head and "refresh" not in head, page


def test_raw_html_of_any_page_in_the_proposals_folder_is_judged(tmp_path: Path) -> None:
    payload = "# Notes\n\n<img src=x onerror=alert(1)>\n"
    srcdir = write_project(
        tmp_path / "src",
        {"deps/notes.md": payload, "deps/1e3-x.md": payload, "deps/sub/0001-y.md": payload},
        index=INDEX.replace("deps/*\n", "deps/*\ndeps/sub/*\n"),
    )
    build = sphinx_build(srcdir, tmp_path / "out")
    assert scan_output(build.outdir) == {}
