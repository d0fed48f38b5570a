"""``python -m hipball.cli``: the same as the ``hipball`` command."""

import sys

from hipball.cli import main

sys.exit(main())
