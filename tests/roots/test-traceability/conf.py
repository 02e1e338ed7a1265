project = "traceability"
extensions = ["sphinxcontrib_dep"]
dep_stale_days = 30
dep_trackers = {"DYN-[0-9]+": "https://jira.example.org/browse/{key}"}
