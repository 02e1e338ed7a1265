project = "needs"
extensions = ["sphinxcontrib_dep"]
