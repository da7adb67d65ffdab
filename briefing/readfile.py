"""A path and a size limit in, the file's bytes out — or a clear `InputFileError`, never a hang.

Every reader of user-named files (the dataset loader, batch, extract, handout, the font loader)
goes through `read_bounded`:

- it counts the bytes it reads and stops one past the limit, rather than trusting `st_size`
  (0 for /dev/zero, /proc files and pipes; stale for a file still being written);
- it refuses anything but a regular file — folders, devices, FIFOs, sockets — by its type
  before opening it, and opens with O_NONBLOCK so that a path swapped for a FIFO in between
  cannot block the open either (the type is checked again on the open descriptor);
- symlinks are followed: a link to a regular file is that file, a link to /dev/zero is a device.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .errors import BriefingError
from .i18n import N_, _

_CHUNK = 1 << 16


class InputFileError(BriefingError):
    """A file named by the user cannot be read: missing, not a regular file, or over its limit."""

    kind = "InputFileError"

    def __init__(self, path: str, message: str, reason: str = "os") -> None:
        super().__init__(f"{path}: {message}")
        self.path, self.reason, self.detail = path, reason, message

    def __reduce__(self) -> tuple[type[InputFileError], tuple[str, str, str]]:
        return (
            InputFileError,
            (self.path, self.detail, self.reason),
        )  # crosses to the parent by pickle


_FOLDER = N_("is a folder, not a regular file; name the file itself")


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return _FOLDER
    if stat.S_ISFIFO(mode):
        return N_("is a named pipe (FIFO), not a regular file; name the file itself")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return N_("is a device, not a regular file; name the file itself")
    if stat.S_ISSOCK(mode):
        return N_("is a socket, not a regular file; name the file itself")
    return N_("is not a regular file; name the file itself")


def _refuse_type(shown: str, mode: int) -> InputFileError:
    message = _kind_of(mode)
    return InputFileError(shown, _(message), reason="folder" if message == _FOLDER else "type")


def read_bounded(
    path: str | os.PathLike[str], limit: int, *, what: str = "file", hint: str = ""
) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them, else InputFileError.

    `what` names the file in the size message ("dataset", "report", "font file", marked with
    N_() by the caller and translated here); `hint` is appended to it (what to do instead).
    """
    shown = os.fspath(path)
    try:
        info = Path(path).stat()
    except FileNotFoundError:
        dangling = Path(path).is_symlink()
        raise InputFileError(
            shown,
            _("is a symlink to a missing file") if dangling else _("no such file"),
            reason="missing",
        ) from None
    except PermissionError:
        raise InputFileError(
            shown, _("permission denied: the file cannot be read"), reason="denied"
        ) from None
    except OSError as exc:
        raise InputFileError(
            shown, _("cannot read: {reason}").format(reason=_reason(exc)), reason="os"
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise _refuse_type(shown, info.st_mode)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except PermissionError:
        raise InputFileError(
            shown, _("permission denied: the file cannot be read"), reason="denied"
        ) from None
    except OSError as exc:
        raise InputFileError(
            shown, _("cannot read: {reason}").format(reason=_reason(exc)), reason="os"
        ) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # replaced between the stat and the open
            raise _refuse_type(shown, info.st_mode)
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            message = _("the {what} is larger than {limit:,} bytes, the limit").format(
                what=_(what), limit=limit
            )
            raise InputFileError(shown, f"{message}; {hint}" if hint else message, reason="size")
        return b"".join(chunks)
    except OSError as exc:
        raise InputFileError(
            shown, _("cannot read: {reason}").format(reason=_reason(exc)), reason="os"
        ) from None
    finally:
        os.close(fd)


def _reason(exc: OSError) -> str:
    if exc.errno == errno.EISDIR:
        return _("it is a folder")
    return exc.strerror or str(exc)
