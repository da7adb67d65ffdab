"""`python -m briefing …`: the command line's arguments in, its exit status out (as `briefing
…`).
"""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
