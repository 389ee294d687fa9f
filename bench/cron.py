"""Cron benchmark: ``python -m bench.cron`` prints one line per figure.

1. Incremental runs on a 1,000-article corpus (PAN13 documents as articles of 25
   outlets, 100 of them designated sources): first run, a re-run with no change
   (must be >= 20x faster, reports byte-identical), a re-run after adding one
   article (must cost <= 10% of a full run).
2. Locking: 20 overlapping launches x 10 rounds; exactly one writer per round.
3. Crashes: kill -9 at >= 200 points spread across runs on the sample corpus;
   afterwards manifest.json verifies, SQLite's integrity_check passes, and a
   re-run gives output byte-identical to an uninterrupted run.
4. PYTHONHASHSEED=1 and =2 give byte-identical reports.

Options shrink each part for a smoke run.  Needs ../shared/eval for part 1.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = ROOT.parent / "shared" / "eval"
SEEDS = ROOT / "corpus"
RUN_FILES = {"changes.csv", "changes.md", "manifest.json"}


def audit_cmd(corpus: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "provenance",
        "audit",
        str(corpus),
        "--out",
        str(out),
        "-q",
        *extra,
    ]


def timed(cmd: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=False, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def reports(out: Path) -> dict[str, bytes]:
    gen = out / ".current"
    return {
        p.relative_to(gen).as_posix(): p.read_bytes()
        for p in sorted(gen.rglob("*"))
        if p.is_file() and p.relative_to(gen).as_posix() not in RUN_FILES
    }


def pan_corpus(root: Path, n: int) -> list[Path]:
    pan = EVAL_DIR / "pan13-text-alignment"
    src = sorted((pan / "src").glob("*.txt"))[: n // 10]
    susp = sorted((pan / "susp").glob("*.txt"))[: n - len(src)]
    root.mkdir(parents=True)
    rows = ["file,outlet,role"]
    for i, f in enumerate(src + susp):
        role = "source" if f in src else "article"
        outlet = "Wire" if role == "source" else f"Outlet {i % 24:02d}"
        shutil.copy(f, root / f.name)
        rows.append(f"{f.name},{outlet},{role}")
    (root / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return src + susp


def incremental(n: int, jobs: int) -> None:
    pan = EVAL_DIR / "pan13-text-alignment"
    if not pan.is_dir():
        print("cron incremental skipped: no PAN13 data")
        return
    with tempfile.TemporaryDirectory() as tmp:
        corpus, out = Path(tmp) / "corpus", Path(tmp) / "out"
        pan_corpus(corpus, n)
        first = timed(audit_cmd(corpus, out, "-j", str(jobs)))
        before = reports(out)
        again = timed(audit_cmd(corpus, out, "-j", str(jobs)))
        identical = reports(out) == before
        extra = sorted((pan / "susp").glob("*.txt"))[-1]
        shutil.copy(extra, corpus / extra.name)
        added = timed(audit_cmd(corpus, out, "-j", str(jobs)))
    print(f"cron_articles {n}")
    print(f"cron_first_run_seconds {first:.1f}")
    print(f"cron_rerun_seconds {again:.2f}")
    print(f"cron_rerun_speedup {first / again:.1f}")
    print(f"cron_rerun_identical {str(identical).lower()}")
    print(f"cron_add_one_seconds {added:.2f}")
    print(f"cron_add_one_share {added / first:.3f}")


def locking(launches: int, rounds: int) -> None:
    """Overlapping launches on one output folder: one writes, the others exit 5.

    The corpus must keep a run busy while the others start (they take a second or
    two to reach the lock on two loaded cores): 300 PAN13 documents when there, else
    the seed articles.
    """
    exact = 0
    with tempfile.TemporaryDirectory() as tmp:
        corpus = SEEDS
        if (EVAL_DIR / "pan13-text-alignment").is_dir():
            corpus = Path(tmp) / "corpus"
            pan_corpus(corpus, 300)
        articles = len(list(corpus.glob("*.txt")))
        for r in range(rounds):
            out = Path(tmp) / f"out{r}"
            procs = [
                subprocess.Popen(audit_cmd(corpus, out), cwd=ROOT, stderr=subprocess.DEVNULL)
                for _ in range(launches)
            ]
            codes = [p.wait() for p in procs]
            exact += codes.count(0) == 1 and codes.count(5) == launches - 1
    print(f"cron_lock_corpus_articles {articles}")
    print(f"cron_lock_rounds {rounds}")
    print(f"cron_lock_rounds_one_writer {exact}")


def crashes(points: int, seed: int = 7) -> None:
    from provenance.publish import verify
    from provenance.state import STATE_NAME, State

    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        corpus, out, ref = Path(tmp) / "corpus", Path(tmp) / "out", Path(tmp) / "ref"
        shutil.copytree(SEEDS, corpus)
        target = corpus / "001_1bac6ef4c7f7c27f.txt"
        original = target.read_bytes()
        duration = timed(audit_cmd(corpus, ref))
        bad_reports = bad_state = 0
        for i in range(points):
            target.write_bytes(original + f"\nEdit {i}.\n".encode())
            proc = subprocess.Popen(audit_cmd(corpus, out), cwd=ROOT, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0, duration * 1.1))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            if (out / ".current").exists() and verify(out):
                bad_reports += 1
            if (out / STATE_NAME).exists():
                state = State(out / STATE_NAME)
                bad_state += state.integrity() != "ok"
                state.close()
        target.write_bytes(original)
        subprocess.run(audit_cmd(corpus, out), cwd=ROOT, check=False)
        identical = reports(out) == reports(ref)
    print(f"cron_kill_points {points}")
    print(f"cron_kill_reports_not_verifying {bad_reports}")
    print(f"cron_kill_state_integrity_failures {bad_state}")
    print(f"cron_kill_rerun_identical {str(identical).lower()}")


def hash_seeds() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        outs = []
        for seed in ("1", "2"):
            out = Path(tmp) / f"out{seed}"
            timed(audit_cmd(SEEDS, out), env={**os.environ, "PYTHONHASHSEED": seed})
            outs.append(reports(out))
    print(f"cron_hashseed_identical {str(outs[0] == outs[1]).lower()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--launches", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--only", choices=["incremental", "lock", "kill", "hashseed"])
    args = parser.parse_args(argv)
    if args.only in (None, "hashseed"):
        hash_seeds()
    if args.only in (None, "lock"):
        locking(args.launches, args.rounds)
    if args.only in (None, "kill"):
        crashes(args.kills)
    if args.only in (None, "incremental"):
        incremental(args.articles, args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
