"""`python -m briefing …`: the command line's arguments in, its exit status out (as `briefing
…`).
"""

from __future__ import annotations

from .cli import run

if __name__ == "__main__":
    run()
