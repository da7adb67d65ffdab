"""The helper process of `briefing.background`: charts to draw in on stdin, their recordings out on
stdout, both pickled.

    python -m briefing.charts.helper

It loads matplotlib, the chart kinds and the fonts' metrics at once, then answers each request
`(number, (width, height, style, draw))` with `(number, recording)`, or `(number, None)` when the
chart cannot be drawn (the parent then draws it itself and meets the error there). It ends at the
end of its input. Nothing else may reach stdout: the protocol's stream is a copy of it taken at
start, and file descriptor 1 then points at stderr.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
from typing import BinaryIO


def serve(requests: BinaryIO, answers: BinaryIO) -> None:
    """Answer every request on `requests` until it ends."""
    from .figure import pooled_record

    unpickler = pickle.Unpickler(requests)  # noqa: S301 - our own parent, over its own pipe
    while True:
        try:
            number, (width, height, style, draw) = unpickler.load()
        except EOFError:
            return
        try:
            recording = pooled_record(width, height, style, draw)
        except Exception:  # noqa: BLE001 - the parent draws it and reports what went wrong
            recording = None
        pickle.dump((number, recording), answers, protocol=pickle.HIGHEST_PROTOCOL)
        answers.flush()


def main() -> int:
    """Set up, then serve stdin until it closes."""
    from ..process import collect_less, settle

    collect_less()
    # The answers go to a copy of descriptor 1; 1 itself then points at 2, so that nothing
    # written to standard output by accident can break the stream.
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    requests = os.fdopen(0, "rb", closefd=False)
    from ..fonts import register_reportlab
    from . import warm_up

    register_reportlab()
    warm_up()
    settle()
    # The parent gone or the terminal's Ctrl-C: either way there is nobody left to answer.
    with contextlib.suppress(BrokenPipeError, KeyboardInterrupt):
        serve(requests, answers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
