"""Write finished PDF bytes to disk atomically and safely: a temporary file beside the target, then a rename.

A failure at any point (exception, full disk, SIGINT/SIGTERM) leaves the previous file untouched and
no partial file behind. Output names are derived from dataset names so that they cannot leave the
output folder, and a target that is a symlink pointing outside the folder is refused.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
from pathlib import Path

from ..errors import OutputError

SAFE_STEM_RE = re.compile(r"[^\w.\-]+", re.UNICODE)


def safe_stem(name: str) -> str:
    """A file stem that stays inside the output folder: no separators, no leading dots."""
    stem = Path(name.replace("\\", "/")).name
    if stem.lower().endswith((".yaml", ".yml")):
        stem = stem.rsplit(".", 1)[0]
    stem = SAFE_STEM_RE.sub("_", stem).strip("._-")
    if not stem:
        raise OutputError(f"cannot derive an output name from {name!r}")
    return stem[:120]


def output_path(outdir: Path, stem: str, suffix: str) -> Path:
    """outdir/<stem>-<suffix>.pdf, refusing any path that would resolve outside outdir."""
    target = outdir / f"{safe_stem(stem)}-{suffix}.pdf"
    check_target(outdir, target)
    return target


def check_target(outdir: Path, target: Path) -> None:
    root = outdir.resolve()
    if target.is_symlink():
        real = target.resolve()
        if root not in real.parents:
            raise OutputError(f"{target} is a symlink to {real}, outside {outdir}; refusing to write through it")
    if root not in target.resolve().parents and target.resolve().parent != root:
        raise OutputError(f"{target} lies outside the output folder {outdir}")


def atomic_write(target: Path, data: bytes) -> None:
    """Write `data` to `target` via a temporary sibling and os.replace; never a partial file."""
    target = Path(target)
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create output folder {folder}: {exc.strerror}") from None
    if target.is_symlink():
        # Replacing a symlink would silently turn it into a file; writing through it could land
        # anywhere. Both surprise the user, so refuse.
        raise OutputError(f"{target} is a symlink; remove it or choose another output folder")
    fd = -1
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
        tmp = ""
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            reason = "the disk is full"
        elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            reason = "permission denied"
        else:
            reason = exc.strerror or str(exc)
        raise OutputError(f"cannot write {target}: {reason}; the previous file (if any) is unchanged") from None
    finally:
        if fd >= 0:
            os.close(fd)
        if tmp:
            try:
                os.unlink(tmp)
            except OSError:
                pass
