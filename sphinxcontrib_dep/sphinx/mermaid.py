"""Mermaid diagrams (sphinxcontrib-mermaid), drawn from a script the site serves itself.

GitHub draws a ````mermaid```` block as a diagram, so a proposal's diagrams are drawn here
too (:class:`~.gfm.ProposalRenderer` makes the block a ``mermaid`` node; the ``mermaid``
directive is on the proposal allowlist). sphinxcontrib-mermaid would fetch mermaid from a
CDN: a site built offline would draw nothing, and every reader of an embargoed proposal
would be announced to a third party. So, unless ``conf.py`` chooses otherwise
(``mermaid_use_local`` or ``mermaid_version``), the page loads the mermaid this package
ships (``static/mermaid``), and mermaid runs with ``securityLevel: "strict"`` (labels
sanitised, no click handlers; a diagram cannot change that setting). Unless every author is
trusted (``dep_raw_html = "all"``), mermaid's ``secure`` list also names every setting that
is CSS (:data:`SECURE_KEYS`), whatever ``conf.py`` chose, so a diagram's ``%%{init}%%`` or
front matter cannot write CSS into the page; ``dep.css`` contains each diagram's painting to
its own box besides.

In a proposal the directive is read as a diagram and nothing else: no file argument
(which would read a file of the build machine into the page), no ``:zoom:`` (which loads
d3 from a CDN), no ``:config:`` (read as JSON; the diagram's own ``%%{init}%%`` says the same).
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

#: The ES module sphinxcontrib-mermaid imports, relative to ``_static``.
LOCAL_MODULE = "mermaid/mermaid.mjs"
#: The script that defines ``globalThis.mermaid`` for it, relative to ``_static``.
LOCAL_SCRIPT = "mermaid/mermaid.min.js"
#: Mermaid's security levels that keep a diagram's text from becoming markup.
SAFE_LEVELS = ("strict", "sandbox")
#: Settings a diagram's own ``%%{init}%%`` or front matter ``config:`` may not change:
#: mermaid's own list, and every setting that is CSS written into the page (a diagram's
#: ``themeCSS`` drew it over the whole page; ``fontFamily`` took any CSS after a ``;``).
SECURE_KEYS = (
    "secure",
    "securityLevel",
    "startOnLoad",
    "maxTextSize",
    "suppressErrorRendering",
    "maxEdges",
    "themeCSS",
    "themeVariables",
    "fontFamily",
    "altFontFamily",
    "dompurifyConfig",
)


def configure(app: Sphinx, config: Config) -> None:
    """``config-inited``: the local script, and strict mermaid, unless conf.py set them."""
    chosen = config._raw_config
    if "mermaid_use_local" not in chosen and "mermaid_version" not in chosen:
        config.mermaid_use_local = LOCAL_MODULE
    if "mermaid_init_config" not in chosen:
        config.mermaid_init_config = {"startOnLoad": False, "securityLevel": "strict"}
    level = (config.mermaid_init_config or {}).get("securityLevel", "strict")
    raw_html = config._raw_config.get("dep_raw_html", "safe")
    if level not in SAFE_LEVELS and raw_html != "all":
        raise ConfigError(
            f"sphinxcontrib-dep: mermaid_init_config asks for securityLevel {level!r}, which lets a "
            "proposal's diagram put HTML and script in the page; proposals are untrusted (use "
            f"{' or '.join(repr(x) for x in SAFE_LEVELS)}, or dep_raw_html = 'all' to trust every author)"
        )
    if raw_html != "all":
        # Whatever conf.py chose, a diagram's own settings cannot change these.
        chosen_config = dict(config.mermaid_init_config or {})
        kept = [str(key) for key in chosen_config.get("secure") or ()]
        chosen_config["secure"] = kept + [key for key in SECURE_KEYS if key not in kept]
        config.mermaid_init_config = chosen_config


def add_script(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """``html-page-context``: on a page with a diagram, the script the local module re-exports."""
    from sphinxcontrib.mermaid import mermaid

    if app.config.mermaid_use_local != LOCAL_MODULE or app.config.mermaid_output_format != "raw":
        return
    if doctree is None or doctree.next_node(mermaid) is None:
        return
    # A classic script (mermaid.min.js is no module), before sphinxcontrib-mermaid's module.
    app.add_js_file(LOCAL_SCRIPT, priority=app.config.mermaid_js_priority - 1)


def proposal_directive() -> type:
    """The ``mermaid`` directive as a proposal may use it: a diagram written in its body."""
    from sphinxcontrib.mermaid import Mermaid

    from ..core.policy import MERMAID_OPTIONS
    from .reading import AnyOptions

    class ProposalMermaid(Mermaid):  # type: ignore[misc]
        # Every option is taken (the core reported the ones a proposal may not use) and
        # only the allowed ones reach sphinxcontrib-mermaid.
        option_spec = AnyOptions({k: v for k, v in Mermaid.option_spec.items() if k in MERMAID_OPTIONS})

        def run(self, **kwargs: Any) -> list[nodes.Node]:
            if self.arguments:
                text = self.block_text.rstrip("\n")
                node = nodes.literal_block(text, text, classes=["dep-refused"], language="text")
                node.line = self.lineno
                return [node]
            options = self.options  # type: ignore[has-type]
            self.options = {k: v for k, v in options.items() if k in MERMAID_OPTIONS}
            return list(super().run(**kwargs))

    return ProposalMermaid


def register(app: Sphinx) -> None:
    app.setup_extension("sphinxcontrib.mermaid")
    # Priority 4: before our own settings are read (5), so conf.py's choice is still visible.
    app.connect("config-inited", configure, priority=4)
    app.connect("html-page-context", add_script)
