"""workers: per-item wall-clock limits, killed and replaced workers, input order kept."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from provenance.workers import Outcome, one_line, run_batched, run_limited

STATE: list[str] = []  # module state a forked worker inherits


def job(x: int) -> int:
    """Sleeps forever on 13, dies on 7, raises on 5, else squares (slower for small x)."""
    if x == 13:
        time.sleep(3600)
    if x == 7:
        os._exit(3)
    if x == 5:
        raise ValueError("five\nis bad")
    time.sleep(0.002 * (10 - x % 10))
    return x * x


def kinds(outcomes: list[Outcome[int]]) -> list[str]:
    return [o.kind for o in outcomes]


@pytest.mark.parametrize("jobs", [1, 2])
def test_hang_is_killed_within_the_limit(jobs: int) -> None:
    start = time.monotonic()
    out = list(run_limited(job, [1, 13, 2], jobs=jobs, seconds=0.5))
    assert time.monotonic() - start < 3
    assert kinds(out) == ["ok", "timeout", "ok"]
    assert [o.value for o in out] == [1, None, 4]
    assert "0.5 s" in out[1].message


@pytest.mark.parametrize("jobs", [1, 2])
def test_crash_error_and_order(jobs: int) -> None:
    items = [1, 7, 5, 2, 3, 4, 7, 8, 9, 10, 11]
    out = list(run_limited(job, items, jobs=jobs, seconds=10))
    assert kinds(out) == ["ok", "crashed", "error", *["ok"] * 3, "crashed", *["ok"] * 4]
    assert "exit code 3" in out[1].message
    assert out[2].message == "ValueError: five is bad"
    assert [o.value for o in out if o.ok] == [x * x for x in items if x not in (5, 7)]


@pytest.mark.parametrize("jobs", [1, 2])
def test_batches_fail_only_the_item_at_fault(jobs: int) -> None:
    items = [1, 2, 13, 3, 4, 7, 8, 5, 9, 10, 11, 12]
    start = time.monotonic()
    out = list(run_batched(job, items, jobs=jobs, seconds=0.5, batch=4))
    assert time.monotonic() - start < 5  # a stuck batch is stopped, then its stuck item
    assert kinds(out) == [
        "ok",
        "ok",
        "timeout",
        "ok",
        "ok",
        "crashed",
        "ok",
        "error",
        "ok",
        "ok",
        "ok",
        "ok",
    ]
    assert [o.value for o in out if o.ok] == [x * x for x in items if x not in (5, 7, 13)]


def test_no_limit_runs_in_process() -> None:
    out = list(run_limited(lambda x: (os.getpid(), x), range(3), jobs=1, seconds=None))
    assert [o.value for o in out] == [(os.getpid(), i) for i in range(3)]
    out = list(run_limited(job, [5, 2], jobs=1, seconds=None))
    assert kinds(out) == ["error", "ok"]


def test_workers_inherit_state_and_are_reused() -> None:
    STATE[:] = ["inherited"]
    try:
        out = list(run_limited(lambda _: (STATE[0], os.getpid()), range(20), jobs=2, seconds=5))
    finally:
        STATE.clear()
    assert {o.value[0] for o in out if o.value} == {"inherited"}
    pids = {o.value[1] for o in out if o.value}
    assert os.getpid() not in pids and len(pids) <= 2


def test_no_limit_with_jobs_uses_workers_in_order() -> None:
    items = [x for x in range(40) if x != 13]
    out = list(run_limited(job, items, jobs=2, seconds=None))
    assert kinds(out)[5] == "error" and kinds(out)[7] == "crashed"
    assert [o.value for o in out if o.ok] == [x * x for x in items if x not in (5, 7)]


def test_unpicklable_result_is_an_error() -> None:
    out = list(run_limited(lambda _: lambda: None, [1], jobs=1, seconds=5))
    assert out[0].kind == "error" and "cannot send" in out[0].message


def test_arguments_checked() -> None:
    with pytest.raises(ValueError, match="jobs"):
        list(run_limited(job, [1], jobs=0))
    with pytest.raises(ValueError, match="seconds"):
        list(run_limited(job, [1], jobs=1, seconds=0))


def test_one_line() -> None:
    assert one_line("a\n b\tc") == "a b c"
    assert len(one_line("x" * 1000)) == 300


def test_no_items_starts_no_worker() -> None:
    assert list(run_limited(job, [], jobs=2, seconds=1)) == []


def test_workers_die_with_their_parent(tmp_path: Path) -> None:
    """A parent killed by cron's timeout leaves no worker behind (Linux)."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import os, sys, time\n"
        "from provenance.workers import run_limited\n"
        "def hang(_):\n"
        "    print(os.getpid(), flush=True)\n"
        "    time.sleep(60)\n"
        "list(run_limited(hang, [1], jobs=1, seconds=60))\n"
    )
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    worker = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    for _ in range(100):
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.kill(worker, signal.SIGKILL)
    raise AssertionError("the worker outlived its parent")


def test_unpicklable_items_are_errors() -> None:
    items: list[object] = [1, lambda: None, 2]
    out = list(run_limited(lambda x: x, items, jobs=1, seconds=5))
    assert kinds(out) == ["ok", "error", "ok"]  # type: ignore[arg-type]


def test_a_worker_that_died_idle_is_replaced() -> None:
    import multiprocessing

    def items():  # type: ignore[no-untyped-def]
        yield 1
        for child in multiprocessing.active_children():
            os.kill(child.pid or 0, signal.SIGKILL)
        time.sleep(0.3)
        yield 2

    out = list(run_limited(job, items(), jobs=1, seconds=5))
    assert [o.value for o in out] == [1, 4]


def test_outcomes_held_back_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import provenance.workers as workers

    monkeypatch.setattr(workers, "WINDOW", 2)
    out = list(run_limited(job, [x for x in range(30) if x not in (5, 7, 13)], jobs=2, seconds=5))
    assert [o.value for o in out] == [x * x for x in range(30) if x not in (5, 7, 13)]


def _blas_threads(_: int) -> list[int]:
    from threadpoolctl import threadpool_info

    return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]


def test_workers_keep_blas_to_one_thread() -> None:
    """Two workers on two CPUs each running two BLAS threads took three times as long."""
    import numpy  # noqa: F401  (loads numpy's BLAS here, with its default threads)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=2, user_api="blas"):
        here = _blas_threads(0)
        outcomes = list(run_limited(_blas_threads, [0, 1], jobs=2, seconds=30))
        assert _blas_threads(0) == here  # the parent keeps its own setting
    if not here:
        pytest.skip("numpy here uses no BLAS that threadpoolctl knows")
    assert [o.value for o in outcomes] == [[1] * len(here)] * 2
