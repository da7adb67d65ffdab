"""Watch dataset files and call a rebuild whenever one is saved: file paths and a rebuild function
in, progress lines out (through the reporter) until Ctrl-C.

Polling, not file-system events: datasets are a handful of small files, so reading their size,
mtime and a SHA-256 of their bytes twice a second costs nothing measurable, needs no dependency,
and behaves the same on Linux, macOS, network shares and editors that save by renaming a new
file over the old one (which inotify-style watchers see as a delete). A rebuild happens only when
the content changed (a save without edits does nothing) and the file has stopped changing for one
poll, so an editor caught half-way through writing is not built. The files a dataset's
`meta.previous` chain names are watched with it: a change there rebuilds it. A failed build
changes nothing on disk (documents are published atomically, as a set), so the last good PDFs
stay.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from .i18n import _, ngettext
from .reporter import current
from .series import linked_files

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


# One fingerprint per file a dataset is made from: itself, then its meta.previous chain.
Signature = tuple[tuple[str, Fingerprint], ...]


def signature(name: str) -> Signature:
    """The fingerprints of a dataset file and of every file its `meta.previous` chain names.

    Last year's dataset changes this year's trend charts and checks, so it is watched too.
    """
    try:
        raw = Path(name).read_bytes()
    except OSError:
        return ((name, None),)
    linked = [(str(path), fingerprint(path)) for path in linked_files(name, raw)]
    return ((name, fingerprint(name)), *linked)


def _contents(sig: Signature) -> tuple[tuple[str, str | None], ...]:
    return tuple((path, None if print_ is None else print_[2]) for path, print_ in sig)


def watch(
    files: Sequence[str],
    rebuild: Callable[[Sequence[str]], int],
    *,
    interval: float = 0.5,
    polls: int | None = None,
) -> int:
    """Build `files`, then rebuild each one whose content (or whose previous years' content)
    changes, until interrupted.

    `rebuild(changed)` builds the given files and returns their exit status; errors it reports do
    not end the watch. Returns 0 on Ctrl-C (or SIGTERM), or after `polls` polls (for tests).
    """
    report = current()
    names = list(dict.fromkeys(files))
    try:
        last = {name: signature(name) for name in names}
        built = {name: _contents(sig) for name, sig in last.items()}
        _rebuild(rebuild, [(name, name) for name in names], first=True)
        report.progress(
            ngettext(
                "watching {n} file; Ctrl-C to stop",
                "watching {n} files; Ctrl-C to stop",
                len(names),
            ).format(n=len(names))
        )
        pending: set[str] = set()
        count = 0
        while polls is None or count < polls:
            time.sleep(interval)
            count += 1
            changed = []
            for name in names:
                now = signature(name)
                if now != last[name]:
                    pending.add(name)  # build once it has held still for one interval
                elif name in pending:
                    pending.discard(name)
                    contents = _contents(now)
                    if contents != built[name]:
                        before = dict(built[name])
                        what = next((p for p, c in contents if before.get(p, "") != c), name)
                        changed.append((name, what))
                        built[name] = contents
                last[name] = now
            if changed:
                _rebuild(rebuild, changed, first=False)
    except KeyboardInterrupt:
        report.progress(_("stopped watching"))
    return 0


def _rebuild(
    rebuild: Callable[[Sequence[str]], int],
    changes: Sequence[tuple[str, str]],
    *,
    first: bool,
) -> None:
    """Rebuild each (dataset, the file of it that changed) and say how it went."""
    report = current()
    stamp = time.strftime("%H:%M:%S")
    files = [name for name, _what in changes]
    for name, what in changes:
        if first:
            report.progress(_("[{time}] building {file}").format(time=stamp, file=name))
        elif what == name:
            report.progress(_("[{time}] {file} changed: rebuilding").format(time=stamp, file=name))
        else:
            report.progress(
                _("[{time}] {file} changed: rebuilding {dataset}").format(
                    time=stamp, file=what, dataset=name
                )
            )
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
