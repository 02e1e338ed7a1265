project = "basic"
extensions = ["sphinxcontrib_dep"]
# Its drafts are numbered while they are written: this project allows it.
dep_early_numbering = True
