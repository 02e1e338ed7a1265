"""``python -m sphinxcontrib_dep.cli``."""

import sys

from . import main

sys.exit(main())
