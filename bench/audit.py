"""Whole-corpus audit benchmark: ``python -m bench.audit`` prints one line per figure.

All PAN13 development documents (source and suspicious) form one corpus; the
source documents are marked as designated sources in a manifest and nothing
tells the tool which pairs to compare.  The audit's passages.jsonl, through its
file offsets, is scored with the PAN measures on the listed pairs.  Time is
compared with a bare pass over the same files: read, tokenize, hash 5-grams.
Peak memory is the audit process's maximum resident set size (and, apart, the
largest worker's).  The audit uses the CLI's default number of worker processes
(the CPUs available) unless ``--jobs`` says otherwise; the bare pass is one process.
CPU seconds (this process and its workers) are printed too: on a shared machine the
wall clock varies by a sixth from run to run, the CPU time less.

The reports' share of the time (audit_reports_seconds, part of audit_seconds) depends
on the file system as well: on ext4 without a journal, a file created within minutes
after thousands were deleted (a previous run's reports, a test suite's temporary
folders) costs up to a millisecond of kernel time instead of a few microseconds, as
the kernel looks past the recently freed inodes; the report folder has thousands of
files.  Run the benchmark on a quiet file system to compare runs.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import sys
import tempfile
import time
import zlib
from collections import defaultdict
from pathlib import Path

# not bench.alignment: that keeps numpy to one thread, which would hide what the
# CLI's worker processes do about BLAS threads
from bench.pan import EVAL_DIR, SECTIONS, measures
from provenance.panxml import Annotation, read_pan_xml

WORD = re.compile(r"\w+")


def bare_pass(files: list[Path]) -> float:
    """Seconds to read, tokenize and hash the 5-grams of every file."""
    start = time.perf_counter()
    total = 0
    for f in files:
        tokens = WORD.findall(f.read_text(encoding="utf-8", errors="replace").lower())
        hashes = [zlib.crc32(" ".join(tokens[i : i + 5]).encode()) for i in range(len(tokens) - 4)]
        total += len(hashes)
    assert total >= 0
    return time.perf_counter() - start


def _cpu_seconds() -> float:
    """CPU time (user and system) of this process and of its ended children (the workers):
    steadier than the wall clock on a shared machine."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + ended.ru_utime + ended.ru_stime


def build_corpus(pan: Path, root: Path, limit: int | None) -> list[Path]:
    """Symlink the PAN documents under ``root`` with a manifest; return the files."""
    rows = ["file,outlet,role"]
    files = []
    for folder, role in (("src", "source"), ("susp", "article")):
        (root / folder).mkdir(parents=True)
        for f in sorted((pan / folder).glob("*.txt"))[:limit]:
            (root / folder / f.name).symlink_to(f.resolve())
            rows.append(f"{folder}/{f.name},{f.stem},{role}")
            files.append(f)
    (root / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return files


def detections(passages_jsonl: Path) -> dict[tuple[str, str], list[Annotation]]:
    found: dict[tuple[str, str], list[Annotation]] = defaultdict(list)
    with passages_jsonl.open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            art, src = r["article"], r["source_article"]
            if not (art.startswith("susp/") and src.startswith("src/")):
                continue
            if r["file_start"] in ("", None) or r["source_file_start"] in ("", None):
                continue
            susp, source = art[5:], src[4:]
            found[(susp, source)].append(
                Annotation(
                    susp,
                    int(r["file_start"]),
                    int(r["file_end"]) - int(r["file_start"]),
                    source,
                    int(r["source_file_start"]),
                    int(r["source_file_end"]) - int(r["source_file_start"]),
                )
            )
    return found


def score(pan: Path, found: dict[tuple[str, str], list[Annotation]]) -> dict[str, float]:
    out: dict[str, float] = {}
    all_cases: list[Annotation] = []
    all_dets: list[Annotation] = []
    for section in SECTIONS:
        pairs = [
            ln.split() for ln in (pan / section / "pairs").read_text().splitlines() if ln.strip()
        ]
        cases, dets, flagged = [], [], 0
        for susp, src in pairs:
            xml = pan / section / f"{Path(susp).stem}-{Path(src).stem}.xml"
            pair_cases = [a for a in read_pan_xml(xml) if a.source_reference == src]
            pair_dets = found.get((susp, src), [])
            flagged += bool(pair_dets)
            if section.startswith("05") and not pair_cases:
                continue
            cases += pair_cases
            dets += pair_dets
        key = section[:2]
        if key == "01":
            out["01.detected_share"] = flagged / max(len(pairs), 1)
        else:
            for name, value in measures(cases, dets).items():
                out[f"{key}.{name}"] = value
        all_cases += cases
        all_dets += dets
    for name, value in measures(all_cases, all_dets).items():
        out[f"all.{name}"] = value
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR)
    parser.add_argument("--limit", type=int, default=None, help="documents per folder (smoke runs)")
    parser.add_argument(
        "-j", "--jobs", type=int, default=None, help="worker processes (default: as the CLI)"
    )
    args = parser.parse_args(argv)
    pan = args.eval_dir / "pan13-text-alignment"
    if not pan.is_dir():
        print(f"audit benchmark skipped: no PAN13 data at {pan}")
        return 0
    from provenance.pipeline import audit
    from provenance.report import write_reports
    from provenance.workers import default_jobs

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "corpus"
        files = build_corpus(pan, root, args.limit)
        bare = min(bare_pass(files) for _ in range(2))
        jobs = args.jobs or default_jobs()
        cpu_before = _cpu_seconds()
        start = time.perf_counter()
        run = audit([str(root)], jobs=jobs)
        reports_start = time.perf_counter()
        write_reports(run.tables, Path(tmp) / "reports", jobs=jobs)
        seconds = time.perf_counter() - start
        reports = time.perf_counter() - reports_start
        cpu = _cpu_seconds() - cpu_before
        found = detections(Path(tmp) / "reports" / "passages.jsonl")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # the largest worker process (forked: it shares most of its pages with this one)
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    for name, value in score(pan, found).items():
        print(f"audit_pan13 {name} {value:.4f}")
    print(f"audit_documents {len(files)}")
    print(f"audit_seconds {seconds:.1f}")
    print(f"bare_pass_seconds {bare:.2f}")
    print(f"audit_time_ratio {seconds / bare:.1f}")
    print(f"audit_cpu_seconds {cpu:.1f}")
    print(f"audit_reports_seconds {reports:.1f}")
    print(f"audit_jobs {jobs}")
    print(f"audit_peak_memory_mb {peak_mb:.0f}")
    print(f"audit_peak_worker_memory_mb {worker_mb:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
