project = "needs"
extensions = ["sphinxcontrib_dep"]
# 0002-audit-log.md is numbered while its review goes on; this project allows it.
dep_early_numbering = True
