project = "traceability"
extensions = ["sphinxcontrib_dep"]
dep_stale_days = 30
# DEP-0002 is numbered while its review goes on: this project allows it.
dep_early_numbering = True
dep_trackers = {"DYN-[0-9]+": "https://jira.example.org/browse/{key}"}
