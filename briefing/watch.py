"""Watch dataset files and call a rebuild whenever one is saved: file paths and a rebuild function
in, progress lines out (through the reporter) until Ctrl-C.

Polling, not file-system events: datasets are a handful of small files, so reading their size,
mtime and a SHA-256 of their bytes twice a second costs nothing measurable, needs no dependency,
and behaves the same on Linux, macOS, network shares and editors that save by renaming a new
file over the old one (which inotify-style watchers see as a delete). A rebuild happens only when
the content changed (a save without edits does nothing) and the file has stopped changing for one
poll, so an editor caught half-way through writing is not built. A failed build changes nothing
on disk (documents are published atomically, as a set), so the last good PDFs stay.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from .i18n import _, ngettext
from .reporter import current

Fingerprint = tuple[int, int, str] | None


def fingerprint(path: str | os.PathLike[str]) -> Fingerprint:
    """(mtime in ns, size, SHA-256 of the content) of a file; None when it cannot be read."""
    try:
        file = Path(path)
        stat = file.stat()
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, digest


def _content(print_: Fingerprint) -> str | None:
    return None if print_ is None else print_[2]


def watch(
    files: Sequence[str],
    rebuild: Callable[[Sequence[str]], int],
    *,
    interval: float = 0.5,
    polls: int | None = None,
) -> int:
    """Build `files`, then rebuild each one whose content changes, until interrupted.

    `rebuild(changed)` builds the given files and returns their exit status; errors it reports do
    not end the watch. Returns 0 on Ctrl-C (or SIGTERM), or after `polls` polls (for tests).
    """
    report = current()
    names = list(dict.fromkeys(files))
    try:
        seen = {name: fingerprint(name) for name in names}
        _rebuild(rebuild, names, first=True)
        report.progress(
            ngettext(
                "watching {n} file; Ctrl-C to stop",
                "watching {n} files; Ctrl-C to stop",
                len(names),
            ).format(n=len(names))
        )
        pending: dict[str, Fingerprint] = {}
        count = 0
        while polls is None or count < polls:
            time.sleep(interval)
            count += 1
            now = {name: fingerprint(name) for name in names}
            changed = []
            for name in names:
                if name in pending:
                    # Changed at the last poll: build once it has held still for one interval.
                    if now[name] == pending[name]:
                        del pending[name]
                        if _content(now[name]) != _content(seen[name]):
                            changed.append(name)
                        seen[name] = now[name]
                    else:
                        pending[name] = now[name]
                elif now[name] != seen[name]:
                    pending[name] = now[name]
            if changed:
                _rebuild(rebuild, changed, first=False)
    except KeyboardInterrupt:
        report.progress(_("stopped watching"))
    return 0


def _rebuild(rebuild: Callable[[Sequence[str]], int], files: Sequence[str], *, first: bool) -> None:
    report = current()
    stamp = time.strftime("%H:%M:%S")
    for name in files:
        if first:
            report.progress(_("[{time}] building {file}").format(time=stamp, file=name))
        else:
            report.progress(_("[{time}] {file} changed: rebuilding").format(time=stamp, file=name))
    missing = [name for name in files if not Path(name).is_file()]
    for name in missing:
        report.error(
            _("{file}: cannot be read (removed or renamed?); still watching").format(file=name)
        )
    start = time.perf_counter()
    status = (
        rebuild([name for name in files if name not in missing]) if len(missing) < len(files) else 1
    )
    seconds = time.perf_counter() - start
    if status == 0 and not missing:
        report.progress(_("[{time}] done in {seconds:.1f} s").format(time=stamp, seconds=seconds))
    else:
        report.progress(
            _(
                "[{time}] build failed; the last good PDFs are kept; fix the file and save again"
            ).format(time=stamp)
        )
