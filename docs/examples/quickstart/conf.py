"""Sphinx configuration of the enhancement proposals (sphinxcontrib-dep)."""

project = "Enhancement Proposals"
html_title = project
extensions = ["sphinxcontrib_dep"]
# furo reads well from a phone's width to a wide screen (and ships with sphinxcontrib-dep).
html_theme = "furo"
# Not pages of the site: the build's output, the CI's files, the templates that `dep new`
# copies, the repository's README (for readers on GitHub) and other files that are not pages.
exclude_patterns = [
    "_build",
    "templates",
    ".github",
    "README.md",
]
