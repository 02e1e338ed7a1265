project = "Proposals of every project"
extensions = ["sphinxcontrib_dep"]

# This site's own address: how the others' deps.json name it.
dep_base_url = "https://proposals.example.org/portfolio/"
# Views show every source's proposals; replacements between two sources are checked here.
dep_portfolio = True
dep_sources = {
    "serving": {"deps": "https://proposals.example.org/serving/deps.json"},
    "runtime": {"deps": "https://proposals.example.org/runtime/deps.json"},
    # A file the CI job downloaded into this project, and where its pages are published.
    "operator": {"deps": "_sources/operator/deps.json", "site": "https://operator.example.org/dep/"},
}
