"""Turn many dataset files into their PDFs in worker processes: validate all, render the stale ones,
write atomically.

The parent process plans and writes; workers only render. For each dataset the parent reads the
bytes, works out each output's cache key (dataset hash, package version and source hash, font
hashes, options) and skips outputs whose key and bytes match the sidecar recorded when they were
last built. Stale datasets are validated (load + font coverage) before anything is rendered, so
every invalid file is reported up front. Each remaining (dataset, document) pair is a `Task` sent
by value to a `concurrent.futures.Executor`; the worker returns PDF bytes and the parent writes
them with `atomic_write`, so workers need no shared file system (a cluster executor works as is)
and a worker that dies can never leave a partial file. With the built-in process pool, a worker
that dies (segfault, OOM kill) breaks the pool: the tasks that were in flight are rerun one at a
time in a fresh worker, so only the culprit fails and the others still build.

    run(paths, outdir, ...) -> BatchResult      the library entry point (never prints)
    run_batch(args) -> int                      the `briefing batch` CLI handler (prints)
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import signal
import sys
import threading
import time
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, Literal, Protocol, TextIO

from . import __version__
from .build import DOCUMENTS
from .documents import chosen_options
from .documents import names as registry_names
from .errors import BriefingError, OutputError
from .i18n import N_, _
from .load import parse_dataset, read_dataset_bytes
from .model import Dataset
from .output import DEFAULT_WAIT_SECONDS, FolderLock, atomic_write, output_path, publish, safe_stem
from .process import settle
from .reporter import current

CACHE_DIR = ".briefing-cache"
# Bump when the meaning of the cache key or the sidecar layout changes, so old sidecars miss.
CACHE_FORMAT = 1

Status = Literal["built", "up to date", "invalid", "failed"]


# `build.render_document` or a stand-in: (dataset, document, *, pdfa, [draft, options]) -> (PDF,
# pages)
RenderFn = Callable[..., tuple[bytes, int]]


@dataclass(frozen=True, slots=True)
class Task:
    """One document to render, carried by value so a worker needs no access to the parent's
    files.
    """

    dataset: Dataset
    document: str
    pdfa: bool
    render: RenderFn | None = None
    draft: bool = False  # stamp 草稿 (the dataset may be a draft)
    options: tuple[tuple[str, str], ...] = ()  # the registry's document options


@dataclass(frozen=True, slots=True)
class Rendered:
    """What a worker sends back: the PDF, and how long and how much memory it took."""

    data: bytes
    pages: int
    seconds: float
    worker_pid: int
    worker_maxrss_kib: int


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one requested output."""

    dataset: str
    document: str
    status: Status
    path: Path | None = None
    pages: int = 0
    size_bytes: int = 0
    seconds: float = 0.0
    error: str = ""


@dataclass(slots=True)
class BatchResult:
    """What a batch did: one Outcome per output, its duration and each worker's peak memory."""

    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    # pid → peak resident set size (KiB) reported by that worker
    worker_peak_kib: dict[int, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(o.status in ("built", "up to date") for o in self.outcomes)

    def count(self, status: Status) -> int:
        return sum(o.status == status for o in self.outcomes)


class Progress(Protocol):
    """Receives the run's events; the CLI draws a bar or writes lines, tests may collect them."""

    def planned(self, total: int) -> None: ...

    def done(self, outcome: Outcome) -> None: ...


class WorkerDied(BriefingError):  # noqa: N818 - the kind users read: `WorkerDied: …`
    """A worker process ended without reporting (killed, out of memory, crashed)."""

    kind = "WorkerDied"


class Interrupted(BaseException):
    """SIGTERM (or SIGINT) reached the parent; raised at the next safe point to unwind cleanly.

    A BaseException, like KeyboardInterrupt, so that no `except Exception` swallows it.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


# ---------------------------------------------------------------------------------------------
# worker side


_worker_ready = False
_set_up_error: BriefingError | None = None


def prepare_worker() -> None:
    """Make this process ready to render, once: quiet the terminal's Ctrl-C, then `warm_up()`.

    Runs as the process pool's `initializer`; `_work` calls it too (it is idempotent) so that an
    executor without initializers (a cluster's) still pays the set-up once per worker, not per task.
    """
    global _worker_ready, _set_up_error
    if _worker_ready:
        if _set_up_error is not None:
            raise _set_up_error
        return
    _worker_ready = True
    if threading.current_thread() is threading.main_thread():
        # The parent decides what an interrupt means; a worker stopped by the terminal's Ctrl-C
        # would print a traceback per process and break the pool before the parent can tidy up.
        with contextlib.suppress(ValueError, OSError):
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            # A forked worker inherits the parent's SIGTERM handler; the parent's terminate()
            # must simply end it.
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        warm_up()
    except BriefingError as exc:
        # A damaged font (say) must reach the user as its own message on every task, not kill
        # the pool's initializer, which the parent could only report as a dead worker.
        _set_up_error = exc


def warm_up() -> None:
    """Load what every document needs: the fonts into ReportLab, the composers, matplotlib and the
    chart kinds.
    """
    from . import charts, documents, fonts

    fonts.register_reportlab()
    charts.warm_up()  # matplotlib once per worker, not in the first task
    for module in (
        "briefing.verify",
        *(d.compose.partition(":")[0] for d in documents.REGISTRY.values()),
    ):
        __import__(module)


def _pool_worker(parent: int) -> None:
    """Initializer of our own pool's workers: set up, and exit if the parent dies.

    A parent killed outright (SIGKILL, OOM) cannot stop its workers, and a pool worker waits on
    its queue forever; the orphan would keep the terminal's or CI's output pipes open.
    """
    prepare_worker()
    # What the set-up loaded (fonts, matplotlib, the composers) lives as long as the worker: the
    # collector need never walk it again. Young objects keep the default pace here: collected
    # less often, the garbage of one document outlives the next one's start (peak 201 MiB
    # against 168 for 50 briefings and reports).
    settle()
    # Under "fork" and "spawn" the parent is our parent process. Under "forkserver" (Python
    # 3.14's default on Linux) it is the fork server, which outlives nothing but the parent:
    # then also ask the kernel whether the parent's pid still exists.
    first = os.getppid()

    def parent_alive() -> bool:
        if os.getppid() != first:  # reparented: whoever started us has exited
            return False
        if first == parent:
            return True
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # exists, under another user: not ours, but not gone either
            pass
        # A parent killed while its own parent is busy stays a zombie; it is gone all the same.
        try:
            with Path(f"/proc/{parent}/stat").open("rb") as stat:
                return stat.read().rsplit(b")", 1)[1].split()[0] != b"Z"
        except (OSError, IndexError):  # no /proc (macOS): the signal check is all we have
            return True

    def watch() -> None:
        while parent_alive():
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="briefing-parent-watch", daemon=True).start()


def _maxrss_kib() -> int:
    try:
        import resource
    except ImportError:  # not on Windows
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # macOS counts bytes, Linux KiB


def _check_fonts(dataset: Dataset) -> None:
    from .fonts import check_dataset_texts

    check_dataset_texts(dataset.texts)


def _validate(name: str, raw: bytes, draft: bool = False) -> Dataset:
    """Parse and check one dataset in a worker; raises DatasetError, FontCoverageError or
    DraftError.
    """
    from .drafts import refuse_draft

    prepare_worker()
    from .series import load_with_history

    dataset = load_with_history(name, parse_dataset(raw, name))
    _check_fonts(dataset)
    if not draft:
        refuse_draft(dataset)
    return dataset


def _work(task: Task) -> Rendered:
    """Render one task in a worker; raises BriefingError for expected failures."""
    prepare_worker()
    start = time.perf_counter()
    if task.render is not None:
        render: RenderFn = task.render
    else:
        # Looked up at call time, not import time, so tests can substitute it.
        from . import build

        render = build.render_document
    extra: dict[str, Any] = {}
    if task.draft:
        extra["draft"] = True
    if task.options:
        extra["options"] = dict(task.options)
    data, pages = render(task.dataset, task.document, pdfa=task.pdfa, **extra)
    return Rendered(data, pages, time.perf_counter() - start, os.getpid(), _maxrss_kib())


# ---------------------------------------------------------------------------------------------
# cache keys


def _hash_tree(folder: Path, keep: Callable[[Path], bool]) -> str:
    digest = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and keep(p)):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def package_fingerprint() -> str:
    """Hash of every source and data file of the installed `briefing` package (not its caches)."""
    root = Path(__file__).resolve().parent
    return _hash_tree(
        root, lambda p: "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo")
    )


def fonts_fingerprint() -> str:
    """Hash of the font files the renderer embeds and of their manifest (the report's provenance
    page prints its versions and licences): names and contents.
    """
    from . import fonts

    digest = hashlib.sha256()
    for path in [*fonts.all_font_files(), fonts.fonts_dir() / "manifest.json"]:
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            digest.update(b"missing")  # the workers will report it; the key just must not match
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Environment:
    """Everything besides the dataset and the options that decides an output's bytes."""

    version: str
    package: str
    fonts: str
    render: str
    engines: str  # the versions of Python, ReportLab, pikepdf, matplotlib, fontTools

    @classmethod
    def current(cls, render: RenderFn | None = None) -> Environment:
        name = (
            "default"
            if render is None
            else f"{render.__module__}.{getattr(render, '__qualname__', repr(render))}"
        )
        from .engines import engine_versions

        engines = json.dumps(engine_versions(), sort_keys=True)
        return cls(__version__, package_fingerprint(), fonts_fingerprint(), name, engines)


def cache_key(
    dataset_sha256: str,
    document: str,
    pdfa: bool,
    env: Environment,
    *,
    draft: bool = False,
    options: Sequence[tuple[str, str]] = (),
) -> str:
    """The content hash an output is cached under: dataset, document, options and everything that
    renders it.
    """
    payload = {
        "format": CACHE_FORMAT,
        "dataset": dataset_sha256,
        "document": document,
        "pdfa": pdfa,
        "draft": draft,
        "options": sorted(options),
        "version": env.version,
        "package": env.package,
        "fonts": env.fonts,
        "render": env.render,
        "engines": env.engines,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _sidecar(cache: Path, target: Path) -> Path:
    return cache / (target.stem + ".json")


def _up_to_date(target: Path, sidecar: Path, key: str) -> dict[str, object] | None:
    """The recorded sidecar when `target` was built from `key` and still holds those bytes, else
    None.
    """
    try:
        record = json.loads(sidecar.read_text(encoding="utf-8"))
        if not isinstance(record, dict) or record.get("key") != key:
            return None
        if target.is_symlink() or not target.is_file():
            return None
        if hashlib.sha256(target.read_bytes()).hexdigest() != record.get("sha256"):
            return None
    except (OSError, ValueError):
        return None
    return record


def _cache_folder(outdir: Path) -> Path:
    cache = outdir / CACHE_DIR
    if cache.is_symlink():
        raise OutputError(
            _("{cache} is a symlink; remove it so the build cache stays inside {outdir}").format(
                cache=cache, outdir=outdir
            )
        )
    return cache


# ---------------------------------------------------------------------------------------------
# planning


def _read(path: str) -> bytes:
    """A dataset's bytes, bounded like the loader's: a huge file, /dev/zero or a FIFO is refused
    in the parent without being read whole (or at all).
    """
    return read_dataset_bytes(path, path)


def _publish_set(
    entry: _Stale,
    dataset: Dataset,
    done: dict[str, Rendered | BaseException],
    outdir: Path,
    wait: float,
    report: Callable[[Outcome], None],
) -> None:
    """Write one dataset's rendered documents as a set, or none of them if one failed."""
    failed = {doc: err for doc, err in done.items() if isinstance(err, BaseException)}
    outputs = {o.document: o for o in entry.outputs}
    if failed:
        first = next(iter(failed))
        for doc, value in done.items():
            output = outputs[doc]
            if isinstance(value, BaseException):
                report(Outcome(entry.name, doc, "failed", output.target, error=_describe(value)))
            else:
                report(
                    Outcome(
                        entry.name,
                        doc,
                        "failed",
                        output.target,
                        error=(
                            f"not written: the {first} of this dataset failed, and a "
                            "dataset's documents are "
                            "replaced together; the previous files (if any) are unchanged"
                        ),
                    )
                )
        return
    good = {doc: value for doc, value in done.items() if isinstance(value, Rendered)}
    try:
        siblings = [output_path(outdir, entry.stem, name).name for name in registry_names(None)]
        publish(
            outdir,
            entry.stem,
            {outputs[doc].target.name: r.data for doc, r in good.items()},
            dataset=dataset.sha256,
            siblings=siblings,
            wait=wait,
        )
        for doc, r in good.items():
            output = outputs[doc]
            record = {
                "key": output.key,
                "dataset": entry.name,
                "document": doc,
                "sha256": hashlib.sha256(r.data).hexdigest(),
                "pages": r.pages,
                "size": len(r.data),
            }
            atomic_write(
                output.sidecar, (json.dumps(record, indent=1, sort_keys=True) + "\n").encode()
            )
    except BriefingError as exc:
        for doc in good:
            report(Outcome(entry.name, doc, "failed", outputs[doc].target, error=_describe(exc)))
        return
    for doc, r in good.items():
        report(
            Outcome(entry.name, doc, "built", outputs[doc].target, r.pages, len(r.data), r.seconds)
        )


def _describe(exc: BaseException) -> str:
    if isinstance(exc, BriefingError):
        return f"{exc.kind}: {exc}"
    return _("{kind}: {message} (a bug; please report it)").format(
        kind=type(exc).__name__, message=exc
    )


@dataclass(slots=True)
class _Output:
    document: str
    target: Path
    sidecar: Path
    key: str


@dataclass(slots=True)
class _Stale:
    """A readable dataset with at least one output to (re)build."""

    stem: str
    name: str
    raw: bytes
    outputs: list[_Output]


def _plan(
    paths: Sequence[str | Path],
    outdir: Path,
    cache: Path,
    documents: Sequence[str],
    pdfa: bool,
    force: bool,
    env: Environment,
    report: Callable[[Outcome], None],
    draft: bool = False,
    options: Sequence[tuple[str, str]] = (),
) -> list[_Stale]:
    """Decide, per dataset and document, whether to skip, refuse or render; report skips and
    refusals.

    Cheap on purpose (hashes, no YAML): a rebuild where nothing changed stops here. An output that
    is up to date was valid when it was built, with the same code, fonts and dataset bytes.
    """
    stale: list[_Stale] = []
    owners: dict[str, str] = {}
    for given in paths:
        _check_stop()
        name = str(given)
        try:
            stem = safe_stem(Path(name).name)
            if stem in owners:
                raise OutputError(
                    _(
                        "its outputs {stem}-*.pdf would overwrite those of {other}; rename one file"
                    ).format(stem=stem, other=owners[stem])
                )
            owners[stem] = name
            targets = {d: output_path(outdir, stem, d) for d in documents}
            for target in targets.values():
                if target.is_symlink():
                    raise OutputError(
                        _(
                            "{target} is a symlink; remove it or choose another output folder"
                        ).format(target=target)
                    )
            raw = _read(name)
        except BriefingError as exc:
            for document in documents:
                report(Outcome(name, document, "invalid", error=_describe(exc)))
            continue
        # Last year's files (meta.previous) are inputs too: the trend charts and 同比 checks read
        # them.
        from .series import linked_files

        sha = hashlib.sha256(
            b"".join([raw, *(p.read_bytes() for p in linked_files(name, raw))])
        ).hexdigest()
        todo: list[_Output] = []
        for document, target in targets.items():
            key = cache_key(sha, document, pdfa, env, draft=draft, options=options)
            sidecar = _sidecar(cache, target)
            record = None if force else _up_to_date(target, sidecar, key)
            if record is None:
                todo.append(_Output(document, target, sidecar, key))
            else:
                pages = record.get("pages", 0)
                report(
                    Outcome(
                        name,
                        document,
                        "up to date",
                        target,
                        pages if isinstance(pages, int) else 0,
                        target.stat().st_size,
                    )
                )
        if todo:
            stale.append(_Stale(stem, name, raw, todo))
    return stale


# ---------------------------------------------------------------------------------------------
# execution

Call = tuple[Callable[..., object], tuple[object, ...]]
Finish = Callable[[int, object | BaseException], None]


def _drain(
    executor: Executor, queue: deque[tuple[int, Call]], limit: int, finish: Finish
) -> list[tuple[int, Call]]:
    """Run calls from `queue` with at most `limit` in flight; return those lost to a broken pool.

    Keeping few calls in flight (rather than submitting everything) bounds how many a dying
    worker takes down with it, and so how many must be rerun in isolation.
    """
    inflight: dict[Future[object], tuple[int, Call]] = {}
    lost: list[tuple[int, Call]] = []
    broken = False
    try:
        while queue or inflight:
            while queue and not broken and len(inflight) < limit:
                item = queue.popleft()
                fn, fargs = item[1]
                try:
                    inflight[executor.submit(fn, *fargs)] = item
                except BrokenProcessPool:
                    queue.appendleft(item)
                    broken = True
            if not inflight:
                break
            done, _ = wait(inflight, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
            _check_stop()
            for future in done:
                item = inflight.pop(future)
                try:
                    value = future.result()
                except BrokenProcessPool:
                    lost.append(item)
                    broken = True
                except Exception as exc:  # noqa: BLE001 - a task's failure is its result
                    finish(item[0], exc)
                else:
                    finish(item[0], value)
    except BaseException:
        for future in inflight:
            future.cancel()
        raise
    return lost


def _terminate(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: drop queued calls and kill workers that are mid-render."""
    # ProcessPoolExecutor has no public way to kill busy workers before Python 3.14
    # (terminate_workers); its process table is the fallback.
    processes = dict(getattr(pool, "_processes", None) or {})
    # Tasks already handed to the call queue's feeder thread would be written to a pipe nobody
    # reads once the workers are gone, and the interpreter would wait for that thread at exit.
    call_queue = getattr(pool, "_call_queue", None)
    if call_queue is not None:
        with contextlib.suppress(Exception):
            call_queue.cancel_join_thread()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes.values():
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes.values():
        with contextlib.suppress(Exception):
            process.join(5)


def _died() -> WorkerDied:
    """The failure of a call whose worker ended without reporting, in the user's language."""
    return WorkerDied(
        _(
            "the worker process died (killed, out of memory or crashed); "
            "the previous output, if any, is unchanged"
        )
    )


class _Runner:
    """Runs calls on the caller's executor, or on our own process pool with crash isolation.

    Our pool lives across the validation and rendering phases so workers warm up once. When a
    worker dies the pool breaks and every call in flight fails with it; those calls are rerun one
    at a time in a fresh single worker, so that only the call that kills its worker fails.
    """

    def __init__(self, executor: Executor | None, workers: int) -> None:
        self.executor, self.workers = executor, workers
        self.pool: ProcessPoolExecutor | None = None

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=workers, initializer=_pool_worker, initargs=(os.getpid(),)
        )

    def run(self, calls: list[Call], finish: Finish) -> None:
        queue = deque(enumerate(calls))
        if self.executor is not None:
            for index, _ in _drain(self.executor, queue, 4 * self.workers, finish):
                finish(index, _died())
            return
        while queue:
            if self.pool is None:
                self.pool = self._new_pool(self.workers)
            suspects = deque(self._guarded(self.pool, queue, 2 * self.workers, finish))
            if not suspects and not queue:
                return
            self.pool.shutdown(wait=True)
            self.pool = None
            while suspects:
                single = self._new_pool(1)
                for index, _ in self._guarded(single, suspects, 1, finish):
                    finish(index, _died())
                single.shutdown(wait=True)

    def _guarded(
        self, pool: ProcessPoolExecutor, queue: deque[tuple[int, Call]], limit: int, finish: Finish
    ) -> list[tuple[int, Call]]:
        try:
            return _drain(pool, queue, limit, finish)
        except BaseException:
            _terminate(pool)
            if pool is self.pool:
                self.pool = None
            raise

    def close(self, *, now: bool = False) -> None:
        if self.pool is not None:
            if now:
                _terminate(self.pool)
            else:
                self.pool.shutdown(wait=True)
            self.pool = None


# The signal that asked the run to stop, if any. Handlers only record it; the main loop raises
# `Interrupted` at a safe point. Raising from inside the handler could interrupt
# concurrent.futures while it holds a future's lock, and the pool's manager thread (which
# cancels futures at shutdown) would then wait for that lock forever, hanging the exit.
_stop_signal = 0
POLL_SECONDS = 0.1


def _check_stop() -> None:
    if _stop_signal:
        raise Interrupted(_stop_signal)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """While running, record SIGINT and SIGTERM for `_check_stop` instead of acting at once."""
    global _stop_signal
    _stop_signal = 0
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        global _stop_signal
        _stop_signal = signum

    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def run(
    paths: Sequence[str | Path],
    outdir: str | Path,
    *,
    documents: Sequence[str] = DOCUMENTS,
    pdfa: bool = True,
    force: bool = False,
    jobs: int | None = None,
    executor: Executor | None = None,
    render: RenderFn | None = None,
    progress: Progress | None = None,
    draft: bool = False,
    options: Mapping[str, str] | None = None,
    wait: float = DEFAULT_WAIT_SECONDS,
) -> BatchResult:
    """Build `documents` for every dataset in `paths` into `outdir`; never raises for one bad
    dataset.

    `executor`: any `concurrent.futures.Executor` (e.g. `distributed.Client().get_executor()`);
    the caller owns it. Without one, a process pool of `jobs` workers (default: cores) is used.
    `render`: a picklable replacement for `build.render_document`, for tests and experiments.
    Raises `Interrupted` on SIGINT/SIGTERM after stopping the workers; written outputs stay valid.
    A draft dataset is refused (reported invalid) unless `draft`, which stamps 草稿 on every page;
    `options` are the registry's document options.
    """
    chosen = tuple(sorted((options or {}).items()))
    start = time.perf_counter()
    if jobs is not None and jobs < 1:
        raise ValueError("jobs must be at least 1")
    out = Path(outdir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            _("cannot create output folder {folder}: {reason}").format(
                folder=out, reason=exc.strerror
            )
        ) from None
    cache = _cache_folder(out)
    result = BatchResult()
    with FolderLock(out, wait):
        pass  # taking the lock completes or rolls back what a killed run left in the folder

    def report(outcome: Outcome) -> None:
        result.outcomes.append(outcome)
        if progress is not None:
            progress.done(outcome)

    env = Environment.current(render)
    if progress is not None:
        progress.planned(len(paths) * len(documents))
    with _signals_deferred():
        stale = _plan(paths, out, cache, documents, pdfa, force, env, report, draft, chosen)
        if not stale:
            result.seconds = time.perf_counter() - start
            return result
        wanted = sum(len(s.outputs) for s in stale)
        runner = _Runner(executor, min(jobs or os.cpu_count() or 1, wanted))
        try:
            # Phase 1: validate every stale dataset (in parallel) and report all invalid ones
            # before anything is rendered.
            valid: dict[int, Dataset] = {}

            def validated(index: int, value: object | BaseException) -> None:
                if isinstance(value, Dataset):
                    valid[index] = value
                    return
                entry = stale[index]
                error = (
                    value
                    if isinstance(value, BaseException)
                    else TypeError(f"not a dataset: {value!r}")
                )
                for output in entry.outputs:
                    report(Outcome(entry.name, output.document, "invalid", error=_describe(error)))

            runner.run([(_validate, (s.name, s.raw, draft)) for s in stale], validated)

            # Phase 2: render. A dataset's documents are published together once all of them
            # are rendered (output.publish: one locked, journaled replacement); if any fails,
            # none is written and the old set stays.
            work = [
                (i, output, dataset)
                for i, dataset in sorted(valid.items())
                for output in stale[i].outputs
            ]
            results: dict[int, dict[str, Rendered | BaseException]] = {}

            def rendered(index: int, value: object | BaseException) -> None:
                i, output, dataset = work[index]
                entry = stale[i]
                if isinstance(value, Rendered):
                    peak = result.worker_peak_kib
                    peak[value.worker_pid] = max(
                        peak.get(value.worker_pid, 0), value.worker_maxrss_kib
                    )
                    got: Rendered | BaseException = value
                else:
                    got = (
                        value
                        if isinstance(value, BaseException)
                        else TypeError(f"not a PDF: {value!r}")
                    )
                done = results.setdefault(i, {})
                done[output.document] = got
                if len(done) == len(entry.outputs):
                    _publish_set(entry, dataset, done, out, wait, report)

            runner.run(
                [
                    (_work, (Task(dataset, output.document, pdfa, render, draft, chosen),))
                    for _, output, dataset in work
                ],
                rendered,
            )
        except BaseException:
            runner.close(now=True)
            raise
        runner.close()
    result.seconds = time.perf_counter() - start
    return result


# ---------------------------------------------------------------------------------------------
# The command line's progress and summary


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    space = " " * max(width - _width(text), 0)
    return space + text if right else text + space


class TerminalProgress:
    """A one-line bar redrawn in place, for an interactive terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.total, self.count, self.start = stream, 0, 0, time.perf_counter()

    def planned(self, total: int) -> None:
        self.total = total
        self._draw("")

    def done(self, outcome: Outcome) -> None:
        self.count += 1
        if outcome.status in ("failed", "invalid"):
            self.stream.write(
                f"\r\x1b[K{status_word(outcome.status)}: {outcome.dataset} {outcome.document}\n"
            )
        self._draw(f"{Path(outcome.dataset).name} {outcome.document}")

    def _draw(self, label: str) -> None:
        width = 28
        filled = width * self.count // self.total if self.total else width
        bar = "█" * filled + "·" * (width - filled)
        elapsed = time.perf_counter() - self.start
        self.stream.write(
            f"\r\x1b[K[{bar}] {self.count}/{self.total} {elapsed:5.1f}s {label}"[:200]
        )
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\r\x1b[K")
        self.stream.flush()


class QuietProgress:
    """No progress at all (--quiet): failures still show in the summary's errors."""

    def planned(self, total: int) -> None:
        """Nothing to show."""

    def done(self, outcome: Outcome) -> None:
        """Nothing to show."""

    def close(self) -> None:
        """Nothing to clear."""


# The statuses of an outcome, as shown to the user (translated where shown).
STATUS_WORDS = {
    "built": N_("built"),
    "up to date": N_("up to date"),
    "failed": N_("failed"),
    "invalid": N_("invalid"),
}


def status_word(status: str) -> str:
    """An outcome's status in the user's language."""
    return _(STATUS_WORDS.get(status, status))


class LineProgress:
    """One plain line per finished output, for logs and CI."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.total, self.count = stream, 0, 0

    def planned(self, total: int) -> None:
        self.total = total

    def done(self, outcome: Outcome) -> None:
        self.count += 1
        where = str(outcome.path) if outcome.path else outcome.dataset
        extra = (
            " " + _("{seconds:.2f} s").format(seconds=outcome.seconds)
            if outcome.status == "built"
            else ""
        )
        self.stream.write(
            f"[{self.count}/{self.total}] {status_word(outcome.status)}: {where} "
            f"({outcome.document}){extra}\n"
        )
        self.stream.flush()

    def close(self) -> None:
        pass


def summary_table(result: BatchResult) -> str:
    """One row per dataset: outputs, pages, rendering time, status; then every error in full."""
    rows: dict[str, list[Outcome]] = {}
    for outcome in result.outcomes:
        rows.setdefault(outcome.dataset, []).append(outcome)
    table = [(_("dataset"), _("outputs"), _("pages"), _("time"), _("status"))]
    for dataset, outcomes in rows.items():
        good = [o for o in outcomes if o.status in ("built", "up to date")]
        statuses = sorted(
            {o.status for o in outcomes}, key=("failed", "invalid", "built", "up to date").index
        )
        table.append(
            (
                dataset,
                ", ".join(o.document for o in good) or "—",
                "+".join(str(o.pages) for o in good) or "—",
                _("{seconds:.2f} s").format(seconds=sum(o.seconds for o in outcomes)),
                ", ".join(
                    status_word(s).upper() if s in ("failed", "invalid") else status_word(s)
                    for s in statuses
                ),
            )
        )
    widths = [max(_width(row[i]) for row in table) for i in range(5)]
    lines = [
        "  ".join(_pad(cell, widths[i], right=i in (2, 3)) for i, cell in enumerate(row)).rstrip()
        for row in table
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    errors = {(o.dataset, o.error) for o in result.outcomes if o.error}
    seen: set[tuple[str, str]] = set()
    for o in result.outcomes:
        if o.error and (o.dataset, o.error) in errors and (o.dataset, o.error) not in seen:
            seen.add((o.dataset, o.error))
            lines.append(f"{o.dataset} ({o.document}): {o.error}")
    built, fresh = result.count("built"), result.count("up to date")
    bad = result.count("failed") + result.count("invalid")
    lines.append(
        _("{built} built, {fresh} up to date, {bad} failed or invalid, in {seconds:.1f} s").format(
            built=built, fresh=fresh, bad=bad, seconds=result.seconds
        )
    )
    return "\n".join(lines)


class ClusterError(BriefingError):
    """The Dask cluster cannot be used: `distributed` missing, no scheduler or no workers."""

    kind = "ClusterError"


@contextlib.contextmanager
def cluster_executor(address: str, timeout: float = 20.0) -> Iterator[tuple[Executor, int]]:
    """A Dask cluster's `concurrent.futures` executor and its number of worker threads.

    Needs the optional package `distributed` (`pip install 'fazhi-briefing[dask]'`). The workers
    need the `briefing` package and its fonts, nothing else: tasks carry their dataset, and the PDFs
    come back to this process, which writes them.
    """
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError(
            _(
                "--scheduler needs the optional package distributed: pip install "
                "'fazhi-briefing[dask]'"
            )
        ) from None
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(
            _("cannot reach the Dask scheduler at {address}: {reason}").format(
                address=address, reason=exc
            )
        ) from None
    try:
        threads = sum(client.nthreads().values())
        if not threads:
            raise ClusterError(
                _(
                    "the Dask scheduler at {address} has no workers; start some with "
                    "`dask worker {address}`"
                ).format(address=address)
            )
        yield client.get_executor(pure=False), threads
    finally:
        client.close()


def run_batch(args: argparse.Namespace) -> int:
    """`briefing batch`: build, show progress on stderr, print the summary, exit 1 if anything
    failed.
    """
    report = current()
    if args.jobs is not None and args.jobs < 1:
        report.error("UsageError: " + _("-j/--jobs must be at least 1"))
        return 2
    progress: TerminalProgress | LineProgress | QuietProgress
    if report.quiet:
        progress = QuietProgress()
    elif report.err.isatty() and not report.verbose:
        progress = TerminalProgress(report.err)
    else:
        progress = LineProgress(report.err)
    try:
        with contextlib.ExitStack() as stack:
            executor: Executor | None = None
            jobs = args.jobs or os.cpu_count() or 1
            scheduler = getattr(args, "scheduler", None)
            if scheduler:
                executor, threads = stack.enter_context(
                    cluster_executor(scheduler, getattr(args, "scheduler_timeout", 20.0))
                )
                # In flight: what the cluster's workers can run, unless -j says otherwise.
                jobs = args.jobs or threads
            report.step(_("{jobs} workers").format(jobs=jobs))
            result = run(
                args.files,
                args.outdir,
                documents=(args.only,) if args.only else DOCUMENTS,
                pdfa=not args.no_pdfa,
                force=args.force,
                jobs=jobs,
                executor=executor,
                progress=progress,
                draft=bool(getattr(args, "draft", False)),
                options=chosen_options(vars(args)),
                wait=float(getattr(args, "wait", DEFAULT_WAIT_SECONDS)),
            )
    except Interrupted as exc:
        progress.close()
        report.error(
            _(
                "Interrupted: workers stopped; finished outputs are complete and nothing "
                "partial was left"
            )
        )
        return 128 + exc.signum
    except BriefingError as exc:
        progress.close()
        return report.fail(exc)
    progress.close()
    report.result(summary_table(result))
    return 0 if result.ok else 1
