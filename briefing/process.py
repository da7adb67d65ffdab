"""Tune the garbage collector of a process that is ours alone (the command, a batch worker, the
chart helper): the process in, fewer and shorter collections out.

A build allocates millions of short-lived objects that reference counting frees; the cyclic
collector, at its default of one collection per 700 new container objects, runs some 400 times
for one report and walks the long-lived heap (fonts, matplotlib, the composers) again and again.
None of this changes a byte of output. It is never done in a process that is not ours (tests,
other programs calling `cli.main`), where frozen objects would never be freed.
"""

from __future__ import annotations

import gc

# Young objects a collection waits for (the default is 700).
YOUNG_OBJECTS = 20_000


def collect_less() -> None:
    """Collect young objects every `YOUNG_OBJECTS` allocations instead of every 700."""
    gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])


def settle() -> None:
    """Take everything alive now out of the collector's sight: what was loaded to set the process
    up, which lives as long as the process, or, at the end, a heap about to be freed anyway (the
    interpreter's last collection would walk it: about 60 ms after a report).
    """
    gc.freeze()
