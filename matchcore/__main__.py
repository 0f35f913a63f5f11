"""``python -m matchcore``: the command line (the same as the ``matchcore`` script)."""

import sys

from matchcore.cli import main

if __name__ == "__main__":
    sys.exit(main())
