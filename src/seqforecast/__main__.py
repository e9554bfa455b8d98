"""``python -m seqforecast``: the command line (see :mod:`seqforecast.cli`)."""

import sys

from .cli import main

sys.exit(main())
