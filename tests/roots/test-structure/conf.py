project = "structure"
extensions = ["sphinxcontrib_dep"]
