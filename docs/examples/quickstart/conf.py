"""Sphinx configuration of the enhancement proposals (sphinxcontrib-dep)."""

project = "Enhancement Proposals"
extensions = ["sphinxcontrib_dep"]
# The templates are copied by `dep new`, not pages of the site.
exclude_patterns = ["_build", "templates", ".github", "README.md"]
