"""``python -m roi``: see roi/cli.py."""

import sys

from roi.cli import main

sys.exit(main())
