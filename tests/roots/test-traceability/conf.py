project = "traceability"
extensions = ["sphinxcontrib_dep"]
dep_stale_days = 30
