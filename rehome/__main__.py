"""`python -m rehome` runs the ops commands in `rehome.cli`."""

import sys

from rehome.cli import main

sys.exit(main())
