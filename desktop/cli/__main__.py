"""``python -m desktop.cli``: the ``fieldbook`` command."""

import sys

from desktop.cli import main

sys.exit(main())
