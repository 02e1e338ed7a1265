"""``python -m sphinxcontrib_dep.migrate``."""

import sys

from .command import main

sys.exit(main())
