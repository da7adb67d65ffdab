"""Write finished PDF bytes to disk atomically and safely: bytes in, files (or a matching set of
files) out.

`atomic_write` writes one file: a temporary file beside the target, then a rename. `publish`
replaces the documents of one dataset as a set, under a lock on the output folder (see the notes
above it).

Any failure while writing (an exception, a full disk, Ctrl-C) leaves the previous file untouched
and removes the temporary file. A process killed outright (SIGKILL, or SIGTERM with no handler)
cannot clean up: it may leave a hidden `.<name>.*.tmp` beside the target, but never a partial
target. Output names are derived from dataset names so that they cannot leave the output folder,
and a target that is a symlink is refused.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import re
import signal
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from .errors import OutputError
from .i18n import N_, _

SAFE_STEM_RE = re.compile(r"[^\w.\-]+", re.UNICODE)

# File names are limited to 255 bytes on common file systems. The temporary sibling adds
# ".", "-<document>.pdf", "." + 8 random characters and ".tmp" to the stem; 180 bytes leaves room.
MAX_STEM_BYTES = 180

REASONS = {
    errno.ENOSPC: N_("the disk is full"),
    errno.EDQUOT: N_("the disk quota is exceeded"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("permission denied"),
    errno.EROFS: N_("the file system is read-only"),
    errno.ENAMETOOLONG: N_("the name is too long"),
    errno.EISDIR: N_("a folder of that name is in the way"),
    errno.ENOTDIR: N_("part of the path is a file, not a folder"),
}


def safe_stem(name: str) -> str:
    """A file stem that stays inside the output folder: no separators, no leading dots, not too
    long.
    """
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
        raise OutputError(
            _("cannot derive an output name from {name}; rename the dataset file").format(
                name=repr(name)
            )
        )
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
        raise OutputError(
            _(
                "{path} is a symlink to a missing file; remove it or choose another output folder"
            ).format(path=path)
        ) from None
    except (OSError, RuntimeError) as exc:  # Python 3.11 raises RuntimeError on a symlink loop
        raise OutputError(
            _("cannot resolve {path}: {reason}; check for a symlink loop").format(
                path=path, reason=exc
            )
        ) from None


def check_target(outdir: Path, target: Path) -> None:
    """Refuse a target that is a symlink or that would land outside `outdir`."""
    for path in (outdir, target):
        if any(len(os.fsencode(part)) > 255 for part in path.parts):
            raise OutputError(
                _(
                    "cannot write {target}: a name in the path is longer than 255 bytes, the "
                    "limit of most file systems; choose a shorter folder or file name"
                ).format(target=target)
            )
    root = _resolve(outdir)
    try:
        linked = target.is_symlink()
    except OSError as exc:
        raise OutputError(
            _("cannot write {target}: {reason}").format(target=target, reason=_reason(exc))
        ) from None
    if linked:
        real = _resolve(target, strict=True)
        if root not in real.parents:
            raise OutputError(
                _(
                    "{target} is a symlink to {real}, outside {outdir}; refusing to write "
                    "through it"
                ).format(target=target, real=real, outdir=outdir)
            )
    real = _resolve(target)
    if root not in real.parents and real.parent != root:
        raise OutputError(
            _("{target} lies outside the output folder {outdir}").format(
                target=target, outdir=outdir
            )
        )


def _reason(exc: OSError) -> str:
    # Our own words for the common causes are translated; the system's wording stays as it is.
    ours = REASONS.get(exc.errno or 0)
    return _(ours) if ours else exc.strerror or str(exc)


def _prepare_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise OutputError(
            _(
                "cannot write into {folder}: it is a file, not a folder; choose another output "
                "folder"
            ).format(folder=folder)
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise OutputError(
            _(
                "cannot create output folder {folder}: part of the path is a file, not a "
                "folder; choose another"
            ).format(folder=folder)
        ) from None
    except OSError as exc:
        raise OutputError(
            _("cannot create output folder {folder}: {reason}").format(
                folder=folder, reason=_reason(exc)
            )
        ) from None


def _check_writable_target(target: Path) -> None:
    if target.is_symlink():
        # Replacing a symlink would silently turn it into a file; writing through it could land
        # anywhere. Both surprise the user, so refuse.
        raise OutputError(
            _("{target} is a symlink; remove it or choose another output folder").format(
                target=target
            )
        )
    if target.is_dir():
        raise OutputError(
            _("cannot write {target}: a folder of that name is in the way; move it").format(
                target=target
            )
        )


def _stage(target: Path, data: bytes) -> str:
    """Write `data` to a new temporary sibling of `target`, flushed to disk; return its path.

    On any failure the temporary file is removed and OutputError raised.
    """
    fd = -1
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
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
        staged, tmp = tmp, ""
        return staged
    except OSError as exc:
        raise OutputError(
            _("cannot write {target}: {reason}; the previous file (if any) is unchanged").format(
                target=target, reason=_reason(exc)
            )
        ) from None
    finally:
        if fd >= 0:
            os.close(fd)
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def atomic_write(target: Path, data: bytes) -> None:
    """Write `data` to `target` via a temporary sibling and os.replace; never a partial file."""
    target = Path(target)
    folder = target.parent
    _prepare_folder(folder)
    _check_writable_target(target)
    tmp = _stage(target, data)
    try:
        os.replace(tmp, target)
        tmp = ""
    except OSError as exc:
        raise OutputError(
            _("cannot write {target}: {reason}; the previous file (if any) is unchanged").format(
                target=target, reason=_reason(exc)
            )
        ) from None
    finally:
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


# ---------------------------------------------------------------------------------------------
# Paired publication: the documents of one dataset change together.
#
# The outputs stay plain files (`<stem>-briefing.pdf`, `<stem>-report.pdf`), because users copy,
# mail and print them; a symlink to a generation folder would break when copied as a link and
# leaves them wondering which file is real. Replacing two plain files cannot be one atomic step,
# so the replacement is journaled:
#
#   1. every new file is written to a temporary sibling and flushed (nothing visible changes);
#   2. a journal `.<stem>.pair-journal.json` names the temporaries, their hashes and the outputs
#      to remove, and is put in place by an atomic rename: the commit point;
#   3. the temporaries are renamed over the outputs in a fixed order, stale siblings removed;
#   4. the journal is renamed to the manifest `.<stem>.pair.json`, which records the dataset
#      hash and each current output's hash.
#
# All of it happens under a lock on `.briefing.lock` in the folder (fcntl.flock, released by the
# kernel when a process dies), with SIGINT and SIGTERM held back from step 2 to 4. Whoever takes
# the lock next first runs `recover`: a journal left by a killed run is rolled forward (its
# temporaries renamed, or already in place), temporaries without a journal are removed (rolled
# back: the old outputs were never touched). So the folder holds a matching set after any crash
# once the next run has taken the lock; between two renames of a run killed at that instant a
# reader could see one new and one old file, and the journal says so until it is repaired.

LOCK_NAME = ".briefing.lock"
MANIFEST_SUFFIX = ".pair.json"
JOURNAL_SUFFIX = ".pair-journal.json"
DEFAULT_WAIT_SECONDS = 120.0
_HELD: set[str] = set()  # folders whose lock this process holds (flock is per open file)

# Test hook: called with a step name at each point of a publication where a crash could fall.
_step_hook: Callable[[str], None] | None = None


def _step(name: str) -> None:
    if _step_hook is not None:
        _step_hook(name)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha256(path: Path) -> str | None:
    try:
        if path.is_symlink() or not path.is_file():
            return None
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError:
        return None


def manifest_path(folder: Path, stem: str) -> Path:
    """Where the manifest of `stem`'s outputs lives in `folder` (a hidden file)."""
    return Path(folder) / f".{stem}{MANIFEST_SUFFIX}"


def journal_path(folder: Path, stem: str) -> Path:
    """Where a half-done publish of `stem` records its steps in `folder` (a hidden file)."""
    return Path(folder) / f".{stem}{JOURNAL_SUFFIX}"


def read_manifest(folder: Path, stem: str) -> dict[str, Any] | None:
    """The manifest of `stem`'s outputs in `folder`, or None.

    {"stem", "dataset": the dataset's SHA-256, "files": {name: {"sha256": …}}, "remove": […]}
    """
    try:
        record = json.loads(manifest_path(folder, stem).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("files"), dict):
        return None
    return record


class FolderLock:
    """An exclusive lock on an output folder: concurrent runs wait up to `wait` seconds, then
    refuse.

    Taking it runs `recover`, so a publication a killed run left half done is completed first.
    Re-entrant within one process.
    """

    def __init__(self, folder: Path | str, wait: float = DEFAULT_WAIT_SECONDS) -> None:
        self.folder = Path(folder)
        self.wait = wait
        self.fd = -1
        self.key = ""

    def __enter__(self) -> FolderLock:
        _prepare_folder(self.folder)
        self.key = os.path.realpath(self.folder)
        if self.key in _HELD:
            self.key = ""  # held by an outer `with` of this process
            return self
        path = self.folder / LOCK_NAME
        try:
            self.fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except OSError as exc:
            raise OutputError(
                _("cannot lock the output folder {folder}: {reason}").format(
                    folder=self.folder, reason=_reason(exc)
                )
            ) from None
        deadline = time.monotonic() + max(self.wait, 0.0)
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = self._holder()
                    os.close(self.fd)
                    self.fd = -1
                    raise OutputError(
                        _(
                            "another briefing run{holder} is writing into {folder}; gave up "
                            "after waiting {seconds:g} s. Run again when it has finished, or "
                            "wait longer with --wait SECONDS"
                        ).format(holder=holder, folder=self.folder, seconds=self.wait)
                    ) from None
                time.sleep(0.05)
            except OSError as exc:
                os.close(self.fd)
                self.fd = -1
                raise OutputError(
                    _("cannot lock the output folder {folder}: {reason}").format(
                        folder=self.folder, reason=_reason(exc)
                    )
                ) from None
        with contextlib.suppress(OSError):
            os.ftruncate(self.fd, 0)
            os.pwrite(self.fd, f"{os.getpid()}\n".encode(), 0)
        _HELD.add(self.key)
        try:
            recover(self.folder)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _holder(self) -> str:
        try:
            pid = os.pread(self.fd, 32, 0).decode().strip()
        except (OSError, UnicodeDecodeError):
            return ""
        return f" (process {pid})" if pid.isdigit() else ""

    def __exit__(self, *exc: object) -> None:
        if self.key:
            _HELD.discard(self.key)
        if self.fd >= 0:
            with contextlib.suppress(OSError):
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = -1


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while a publication commits; they arrive right after."""
    held = {signal.SIGINT, signal.SIGTERM}
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, OSError, ValueError):  # no signal masks on this platform
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _write_json(target: Path, record: dict[str, Any]) -> None:
    atomic_write(
        target, (json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()
    )


def _apply(folder: Path, record: dict[str, Any]) -> None:
    """Steps 3 and 4 of a publication (or of its recovery): renames, removals, the manifest."""
    stem = str(record["stem"])
    new = {name: e for name, e in record["files"].items() if e.get("tmp")}
    present = {name for name, e in new.items() if (folder / e["tmp"]).is_file()}
    if (
        new
        and present != set(new)
        and not any(
            _file_sha256(folder / name) == new[name]["sha256"] for name in set(new) - present
        )
    ):
        # Temporaries are missing and none of them was renamed yet: the set cannot be completed,
        # but nothing was touched either. Roll back: the old outputs stay as they were.
        for name in present:
            with contextlib.suppress(OSError):
                os.unlink(folder / new[name]["tmp"])
        os.unlink(journal_path(folder, stem))
        _sync_folder(folder)
        return
    for name in sorted(record["files"]):
        entry = record["files"][name]
        target = folder / name
        tmp = entry.get("tmp")
        if tmp and (folder / tmp).is_file():
            _step(f"rename {name}")
            os.replace(folder / tmp, target)
        elif _file_sha256(target) != entry["sha256"]:
            # Neither the new file nor its temporary is there (removed by hand?): take the
            # output away rather than leave it beside files of another generation.
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
    for name in sorted(record.get("remove", [])):
        _step(f"remove {name}")
        with contextlib.suppress(FileNotFoundError):
            os.unlink(folder / name)
    _sync_folder(folder)
    _step("manifest")
    os.replace(journal_path(folder, stem), manifest_path(folder, stem))
    _sync_folder(folder)


def recover(folder: Path | str) -> list[str]:
    """Complete or roll back publications a killed run left; return what was done (for tests).

    Call with the folder's lock held (FolderLock does).
    """
    folder = Path(folder)
    done: list[str] = []
    if not folder.is_dir():
        return done
    referenced: set[str] = set()
    for journal in sorted(folder.glob(f".*{JOURNAL_SUFFIX}")):
        try:
            record = json.loads(journal.read_text(encoding="utf-8"))
            stem = str(record["stem"])
            files = record["files"]
            assert isinstance(files, dict)
            assert journal == journal_path(folder, stem)
        except (OSError, ValueError, KeyError, TypeError, AssertionError):
            with contextlib.suppress(OSError):
                journal.unlink()  # written atomically, so a broken one was never a commit
            continue
        referenced.update(str(e.get("tmp")) for e in files.values() if e.get("tmp"))
        with _signals_held():
            _apply(folder, record)
        done.append(f"completed {stem}")
    # Temporaries no journal names belong to publications that never committed: roll back.
    for tmp in folder.glob(".*.tmp"):
        if tmp.name in referenced or tmp.is_symlink() or not tmp.is_file():
            continue
        if OUTPUT_TMP_RE.match(tmp.name):
            with contextlib.suppress(OSError):
                tmp.unlink()
            done.append(f"removed {tmp.name}")
    return done


# Temporaries of outputs this module writes: ".<stem>-<document>.pdf.<random>.tmp" and journals.
OUTPUT_TMP_RE = re.compile(
    r"^\..+-[A-Za-z0-9_]+\.pdf\.[^.]+\.tmp$|^\..+\.pair(-journal)?\.json\.[^.]+\.tmp$"
)


def publish(
    folder: Path | str,
    stem: str,
    files: Mapping[str, bytes],
    *,
    dataset: str,
    siblings: Sequence[str] = (),
    wait: float = DEFAULT_WAIT_SECONDS,
) -> list[Path]:
    """Replace the outputs `files` (name → bytes) of `stem` in `folder` as one set; return what was
    removed.

    `dataset` identifies what they were made from (its hash). `siblings` are the names of the
    stem's other outputs: one made from another dataset (or of unknown origin) is removed in the
    same step, so the folder never holds documents of two versions side by side.
    """
    folder = Path(folder)
    _prepare_folder(folder)
    targets = {name: folder / name for name in files}
    for target in targets.values():
        check_target(folder, target)
        _check_writable_target(target)
    with FolderLock(folder, wait):
        staged: dict[str, str] = {}
        try:
            for name, data in files.items():
                staged[name] = _stage(targets[name], data)
            _step("staged")
            previous = read_manifest(folder, stem) or {}
            kept: dict[str, str] = {}
            remove: list[str] = []
            for name in siblings:
                if name in files:
                    continue
                path = folder / name
                if not path.exists() and not path.is_symlink():
                    continue
                recorded = (previous.get("files", {}).get(name) or {}).get("sha256")
                if (
                    previous.get("dataset") == dataset
                    and recorded
                    and _file_sha256(path) == recorded
                ):
                    kept[name] = recorded
                elif not path.is_symlink() and path.is_file():
                    remove.append(name)
            entries: dict[str, dict[str, str]] = {
                name: {"sha256": sha} for name, sha in kept.items()
            }
            for name, data in files.items():
                entries[name] = {"sha256": _sha256(data), "tmp": Path(staged[name]).name}
            record: dict[str, Any] = {
                "stem": stem,
                "dataset": dataset,
                "files": entries,
                "remove": sorted(remove),
            }
            with _signals_held():
                _write_json(journal_path(folder, stem), record)  # the commit point
                staged = {}  # from here on the journal owns the temporaries
                _step("journal")
                try:
                    _apply(folder, record)
                except OSError as exc:
                    raise OutputError(
                        _(
                            "cannot finish replacing the outputs of {stem} in {folder}: "
                            "{reason}; the next run completes it"
                        ).format(stem=stem, folder=folder, reason=_reason(exc))
                    ) from None
            return [folder / name for name in record["remove"]]
        finally:
            for tmp in staged.values():
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
