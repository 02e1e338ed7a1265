project = "My Project Proposals"
extensions = ["sphinxcontrib_dep"]
