"""The reader reads heading text from the shared token stream: code, escapes, entities, link text."""

from __future__ import annotations

from sphinxcontrib_dep.core.parsing import scan

TEXT = """\
# The `dep` **tool** \\<x\\> &amp; [link](https://example.com)

Some *emphasis* in a paragraph.

## REQ \\<\\#\\> \\<Title\\>

```{dep-meta}
:status: Draft
```
"""


def test_heading_text_keeps_code_escapes_entities_and_link_text() -> None:
    scanned = scan(TEXT, "deps/0001-x.md")
    assert [(h.level, h.text, h.line) for h in scanned.headings] == [
        (1, "The dep tool <x> & link", 1),
        (2, "REQ <#> <Title>", 5),
    ]
    assert [(b.name, b.options) for b in scanned.blocks] == [("dep-meta", {"status": "Draft"})]
