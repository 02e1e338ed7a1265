project = "basic"
extensions = ["sphinxcontrib_dep"]
