"""Sphinx configuration of the sphinxcontrib-dep site (docs/ plus the proposals in ../deps)."""

from sphinxcontrib_dep import __version__

project = "sphinxcontrib-dep"
copyright = "2026, sphinxcontrib-dep developers"
release = version = __version__

extensions = ["sphinxcontrib_dep"]

html_theme = "furo"
html_title = f"sphinxcontrib-dep {version}"
exclude_patterns = ["_build"]
myst_heading_anchors = 3
