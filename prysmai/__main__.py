"""Let ``python -m prysmai`` run the ``prysmai`` command."""

from __future__ import annotations

import sys

from prysmai.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
