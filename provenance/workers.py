"""Run a function over items in worker processes, each item under a wall-clock limit.

``run_limited(func, items, jobs=2, seconds=30)`` yields one :class:`Outcome` per
item, in input order whatever order the workers finish in, so a run's output
does not depend on ``jobs``.  Workers are forked, long-lived and fed one item at
a time through a pipe: they inherit the parent's module state (an aligner, a
loaded model) without pickling it, and only items and results cross the pipe.

An item that runs longer than ``seconds`` has its worker killed (SIGKILL: a
C extension stuck in a loop cannot catch it) and replaced; the item's outcome
is ``timeout``.  A worker that dies on its own (a segfault in a parser, the
OOM killer, ``os._exit``) gives ``crashed``; an exception in ``func`` gives
``error`` with a one-line message.  Every other item goes on.

``seconds=None`` with ``jobs=1`` runs in this process with no overhead (and no
limit); exceptions still become ``error`` outcomes.  Where ``fork`` is not
available (Windows, macOS spawn-only builds) the items also run in this process.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Generic, Literal, TypeVar

T = TypeVar("T")
R = TypeVar("R")

Kind = Literal["ok", "timeout", "crashed", "error"]

#: longest failure message kept (one line)
MAX_MESSAGE = 300
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
#: outcomes held back per worker while an earlier item is still running
WINDOW = 256


@dataclass(frozen=True, slots=True)
class Outcome(Generic[R]):
    """What became of one item: its result (``kind == "ok"``) or why there is none."""

    kind: Kind
    value: R | None = None
    message: str = ""  # one line, empty when kind is "ok"

    @property
    def ok(self) -> bool:
        return self.kind == "ok"


def one_line(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` on one line, at most ``limit`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _error(exc: BaseException) -> Outcome[Any]:
    return Outcome("error", message=one_line(f"{type(exc).__name__}: {exc}"))


def default_jobs() -> int:
    """The CPUs this process may run on (the default number of worker processes)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def fork_available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def run_limited(
    func: Callable[[T], R],
    items: Iterable[T],
    *,
    jobs: int = 1,
    seconds: float | None = None,
) -> Iterator[Outcome[R]]:
    """Yield ``func(item)``'s :class:`Outcome` for each item, in input order.

    ``jobs`` worker processes (at least one when ``seconds`` is set); an item
    still running after ``seconds`` is abandoned and its worker killed.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    if seconds is not None and not seconds > 0:
        raise ValueError(f"seconds must be positive or None, not {seconds}")
    if (seconds is None and jobs == 1) or not fork_available():
        return _in_process(func, items)
    return _Pool(func, jobs, seconds).run(items)


def run_batched(
    func: Callable[[T], R],
    items: Sequence[T],
    *,
    jobs: int = 1,
    seconds: float | None = None,
    batch: int = 16,
) -> Iterator[Outcome[R]]:
    """:func:`run_limited`, with items handed to the workers ``batch`` at a time.

    For items that take about as long as a round trip to a worker.  A batch
    gets ``seconds`` in all; one that runs over or fails is redone item by item,
    each under ``seconds``, so only the item at fault times out or fails.
    """
    groups = [list(items[i : i + batch]) for i in range(0, len(items), max(1, batch))]
    outcomes = run_limited(functools.partial(_each, func), groups, jobs=jobs, seconds=seconds)
    for group, outcome in zip(groups, outcomes, strict=True):
        if outcome.ok and outcome.value is not None:
            yield from (Outcome("ok", value) for value in outcome.value)
        else:
            yield from run_limited(func, group, jobs=min(jobs, len(group)), seconds=seconds)


def _each(func: Callable[[T], R], group: list[T]) -> list[R]:
    return [func(item) for item in group]


def _in_process(func: Callable[[T], R], items: Iterable[T]) -> Iterator[Outcome[R]]:
    for item in items:
        try:
            value = func(item)
        except Exception as exc:
            yield _error(exc)
        else:
            yield Outcome("ok", value)


def die_with_parent(parent: int) -> None:
    """Linux: have the kernel kill this worker when the process that forked it dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux
        pass
    if os.getppid() != parent:  # it died before we asked
        os._exit(1)


def _one_blas_thread() -> None:
    """Keep this worker's BLAS (numpy's matrix products) to one thread.

    The workers already use every CPU; BLAS threads on top of them fight for
    the same CPUs.  On the PAN13 audit with two workers on two CPUs that took
    the run from 26 s to 83 s.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def _serve(
    func: Callable[[Any], Any], conn: Connection, inherited: list[Connection], parent: int
) -> None:
    """A worker's loop: receive ``(index, item)``, send ``(index, kind, value, message)``.

    ``inherited``: the parent's ends of the pipes, closed here so that a worker
    blocked on its pipe sees the parent go away.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    die_with_parent(parent)
    _one_blas_thread()
    for other in inherited:
        other.close()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        index, item = job
        try:
            reply: tuple[int, Kind, Any, str] = (index, "ok", func(item), "")
        except Exception as exc:
            failed = _error(exc)
            reply = (index, failed.kind, None, failed.message)
        try:
            conn.send(reply)
        except OSError:  # the parent is gone
            return
        except Exception as exc:  # an unpicklable result: nothing was sent yet
            conn.send((index, "error", None, one_line(f"cannot send the result back ({exc})")))


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    index: int = -1  # the item it is working on, -1 when idle
    deadline: float = 0.0


class _Pool(Generic[T, R]):
    def __init__(self, func: Callable[[T], R], jobs: int, seconds: float | None) -> None:
        self.func = func
        self.jobs = jobs
        self.seconds = seconds
        self.context = multiprocessing.get_context("fork")
        self.workers: list[_Worker] = []
        self.fed = 0  # items handed to workers so far
        self.following = 0  # the index of the next outcome to yield
        # results wait for the slowest item to keep their order: bound how many
        self.window = WINDOW * jobs

    def _start(self) -> _Worker:
        parent, child = self.context.Pipe(duplex=True)
        inherited = [parent, *(w.conn for w in self.workers)]
        process = self.context.Process(
            target=_serve, args=(self.func, child, inherited, os.getpid()), daemon=True
        )
        # the worker's collector then never walks (and so copies) the objects it inherits
        gc.freeze()
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self.workers.append(worker)
        return worker

    def _stop(self, worker: _Worker, *, kill: bool) -> None:
        self.workers.remove(worker)
        worker.index = -1
        if kill:
            worker.process.kill()
        else:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        worker.process.join(timeout=None if kill else 5)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        worker.conn.close()
        worker.process.close()

    def run(self, items: Iterable[T]) -> Iterator[Outcome[R]]:
        todo = enumerate(items)
        done: dict[int, Outcome[R]] = {}
        exhausted = False
        try:
            while True:
                exhausted = exhausted or self._feed(todo, done)
                busy = [w for w in self.workers if w.index >= 0]
                if busy:
                    self._collect(busy, done)
                while self.following in done:
                    yield done.pop(self.following)
                    self.following += 1
                if not busy and exhausted:
                    break
            for worker in list(self.workers):
                self._stop(worker, kill=False)
        finally:
            for worker in list(self.workers):
                self._stop(worker, kill=True)
            gc.unfreeze()

    def _feed(self, todo: Iterator[tuple[int, T]], done: dict[int, Outcome[R]]) -> bool:
        """Give each idle worker an item (starting workers up to ``jobs``); True when none left."""
        while self.fed - self.following < self.window:
            idle = next((w for w in self.workers if w.index < 0), None)
            if idle is None and len(self.workers) >= self.jobs:
                return False
            job = next(todo, None)
            if job is None:
                return True
            self.fed += 1
            self._send(idle, job, done)
        return False

    def _send(self, idle: _Worker | None, job: tuple[int, T], done: dict[int, Outcome[R]]) -> None:
        """Hand ``job`` to a worker; one that died while idle is replaced once."""
        for attempt in (1, 2):
            worker = idle if idle is not None and attempt == 1 else self._start()
            try:
                worker.conn.send(job)
            except OSError:  # BrokenPipeError, ConnectionResetError: it is gone
                self._stop(worker, kill=True)
                continue
            except Exception as exc:  # an item that cannot be pickled
                done[job[0]] = _error(exc)
                return
            worker.index = job[0]
            worker.deadline = time.monotonic() + (self.seconds or 0.0)
            return
        done[job[0]] = Outcome("crashed", message="worker processes die before taking work")

    def _collect(self, busy: list[_Worker], done: dict[int, Outcome[R]]) -> None:
        """Wait for a reply, a death or a deadline; record what happened."""
        timeout = None
        if self.seconds is not None:
            timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
        by_handle: dict[Any, _Worker] = {}
        for w in busy:
            by_handle[w.conn] = w
            by_handle[w.process.sentinel] = w
        ready = wait(list(by_handle), timeout)
        seen: set[int] = set()
        for handle in ready:
            worker = by_handle[handle]
            if id(worker) in seen:
                continue
            seen.add(id(worker))
            self._reply(worker, done)
        if self.seconds is not None:
            now = time.monotonic()
            for worker in [w for w in busy if w.index >= 0 and w.deadline <= now]:
                if worker.conn.poll():  # answered just in time
                    self._reply(worker, done)
                    continue
                done[worker.index] = Outcome(
                    "timeout", message=f"took more than {self.seconds:g} s; stopped"
                )
                self._stop(worker, kill=True)

    def _reply(self, worker: _Worker, done: dict[int, Outcome[R]]) -> None:
        try:
            index, kind, value, message = worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join(timeout=1)
            code = worker.process.exitcode
            how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            done[worker.index] = Outcome("crashed", message=f"worker process died ({how})")
            self._stop(worker, kill=True)
            return
        done[index] = Outcome(kind, value, message)
        worker.index = -1


__all__ = [
    "Outcome",
    "default_jobs",
    "die_with_parent",
    "fork_available",
    "one_line",
    "run_batched",
    "run_limited",
]
