"""sphinxcontrib-dep: enhancement proposals (DEPs) as docs-as-code on Sphinx and sphinx-needs.

``extensions = ["sphinxcontrib_dep"]`` is all a project's conf.py needs; the Sphinx layer
lives in :mod:`sphinxcontrib_dep.sphinx`, the Sphinx-free core beside it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict[str, Any]:
    from .sphinx import setup as setup_sphinx

    return setup_sphinx(app)
