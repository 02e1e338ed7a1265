"""Sphinx configuration of the sphinxcontrib-dep site (docs/ plus the proposals in ../deps)."""

from sphinxcontrib_dep import __version__

project = "sphinxcontrib-dep"
copyright = "2026, sphinxcontrib-dep developers"
release = version = __version__

extensions = [
    "sphinxcontrib_dep",
    "sphinxcontrib_dep.sphinx.autodoc",
]

html_theme = "furo"
html_title = f"sphinxcontrib-dep {version}"
exclude_patterns = ["_build", "examples"]
myst_heading_anchors = 3
html_static_path = ["_static"]
html_favicon = "_static/logo.svg"
html_logo = "_static/logo.svg"
graphviz_output_format = "svg"
# Where the site is published: the feeds (feeds/*.atom, feeds/*.rss) link under it.
dep_base_url = "https://sphinxcontrib-dep.readthedocs.io/en/latest/"
# DEP-0009 shows a review in progress under its number; the process numbers a proposal
# only once its review is complete (seed lines 181-183), so this site allows it earlier.
dep_early_numbering = True
# The areas of this project (docs/areas.md): who may be PIC of which proposals, and which
# code each owns. Its proposals name theirs with :area:.
dep_areas = {
    "process": {
        "name": "Process",
        "owners": ["@core-maintainer", "@docs-maintainer"],
        "paths": ["docs/process.md", "sphinxcontrib_dep/core/rules.py", "sphinxcontrib_dep/core/process.py"],
    },
    "extension": {
        "name": "Sphinx extension",
        "owners": ["@extension-maintainer", "@docs-maintainer"],
        "paths": ["sphinxcontrib_dep/sphinx/"],
    },
    "core": {
        "name": "Core and command line",
        "owners": ["@core-maintainer", "@cli-maintainer"],
        "paths": ["sphinxcontrib_dep/core/", "sphinxcontrib_dep/cli/", "sphinxcontrib_dep/migrate/"],
    },
}
