"""Write finished PDF bytes to disk atomically and safely: a temporary file beside the target, then a rename.

Any failure while writing (an exception, a full disk, Ctrl-C) leaves the previous file untouched
and removes the temporary file. A process killed outright (SIGKILL, or SIGTERM with no handler)
cannot clean up: it may leave a hidden `.<name>.*.tmp` beside the target, but never a partial
target. Output names are derived from dataset names so that they cannot leave the output folder,
and a target that is a symlink is refused.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
import unicodedata
from pathlib import Path

from .errors import OutputError

SAFE_STEM_RE = re.compile(r"[^\w.\-]+", re.UNICODE)

# File names are limited to 255 bytes on common file systems. The temporary sibling adds
# ".", "-<document>.pdf", "." + 8 random characters and ".tmp" to the stem; 180 bytes leaves room.
MAX_STEM_BYTES = 180

REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.ENAMETOOLONG: "the name is too long",
    errno.EISDIR: "a folder of that name is in the way",
    errno.ENOTDIR: "part of the path is a file, not a folder",
}


def safe_stem(name: str) -> str:
    """A file stem that stays inside the output folder: no separators, no leading dots, not too long."""
    stem = Path(unicodedata.normalize("NFC", name).replace("\\", "/")).name
    if stem.lower().endswith((".yaml", ".yml")):
        stem = stem.rsplit(".", 1)[0]
    stem = SAFE_STEM_RE.sub("_", stem).strip("._-")
    # Cut on characters, not bytes, so a Chinese name is never split inside a character.
    stem = stem[:MAX_STEM_BYTES]
    while len(stem.encode("utf-8", "surrogatepass")) > MAX_STEM_BYTES:
        stem = stem[:-1]
    stem = stem.rstrip("._-")
    if not stem:
        raise OutputError(f"cannot derive an output name from {name!r}; rename the dataset file")
    return stem


def output_path(outdir: Path, stem: str, suffix: str) -> Path:
    """outdir/<stem>-<suffix>.pdf, refusing any path that would resolve outside outdir."""
    target = Path(outdir) / f"{safe_stem(stem)}-{suffix}.pdf"
    check_target(Path(outdir), target)
    return target


def _resolve(path: Path, *, strict: bool = False) -> Path:
    # Python 3.13's non-strict resolve() returns a looping link unresolved instead of raising,
    # so links are resolved strictly: a loop or a dangling link is then an error on every Python.
    try:
        return path.resolve(strict=strict)
    except FileNotFoundError:
        raise OutputError(f"{path} is a symlink to a missing file; remove it or choose another output folder") from None
    except (OSError, RuntimeError) as exc:  # Python 3.11 raises RuntimeError on a symlink loop
        raise OutputError(f"cannot resolve {path}: {exc}; check for a symlink loop") from None


def check_target(outdir: Path, target: Path) -> None:
    """Refuse a target that is a symlink or that would land outside `outdir`."""
    root = _resolve(outdir)
    if target.is_symlink():
        real = _resolve(target, strict=True)
        if root not in real.parents:
            raise OutputError(f"{target} is a symlink to {real}, outside {outdir}; refusing to write through it")
    real = _resolve(target)
    if root not in real.parents and real.parent != root:
        raise OutputError(f"{target} lies outside the output folder {outdir}")


def _reason(exc: OSError) -> str:
    return REASONS.get(exc.errno or 0) or exc.strerror or str(exc)


def _prepare_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"cannot write into {folder}: it is a file, not a folder; choose another output folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise OutputError(
            f"cannot create output folder {folder}: part of the path is a file, not a folder; choose another"
        ) from None
    except OSError as exc:
        raise OutputError(f"cannot create output folder {folder}: {_reason(exc)}") from None


def atomic_write(target: Path, data: bytes) -> None:
    """Write `data` to `target` via a temporary sibling and os.replace; never a partial file."""
    target = Path(target)
    folder = target.parent
    _prepare_folder(folder)
    if target.is_symlink():
        # Replacing a symlink would silently turn it into a file; writing through it could land
        # anywhere. Both surprise the user, so refuse.
        raise OutputError(f"{target} is a symlink; remove it or choose another output folder")
    if target.is_dir():
        raise OutputError(f"cannot write {target}: a folder of that name is in the way; move it")
    fd = -1
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            if written <= 0:  # a device that accepts nothing would otherwise loop forever
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            view = view[written:]
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
        tmp = ""
    except OSError as exc:
        raise OutputError(
            f"cannot write {target}: {_reason(exc)}; the previous file (if any) is unchanged"
        ) from None
    finally:
        if fd >= 0:
            os.close(fd)
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; best effort, since not every file system allows it."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
