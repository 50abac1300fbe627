"""How fast the suite runs, and what isolation costs. Measured side by side in one run.

    python benchmarks/suite_throughput.py [--loop asyncio] [--rounds 3] [--skip-cpython]

Reports, best of ``--rounds``:

- collection: loading and validating every spec file (goal: under 1 s);
- the whole suite through ``asyncio-conformance run`` with one worker per core,
  and with one worker: cases per second;
- the same cases in one process with no isolation (the harness called
  directly): the cost of worker processes, deadlines and crash isolation;
- CPython's own ``python3.11 -m test test_asyncio -j2`` on the same machine, as
  the yardstick: tests per second.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time


def best(fn, rounds: int) -> tuple[float, object]:
    results = []
    for _ in range(rounds):
        start = time.perf_counter()
        value = fn()
        results.append((time.perf_counter() - start, value))
    return min(results, key=lambda r: r[0])


def collect() -> int:
    from conformance.spec.load import load_suite

    return len(load_suite().cases)


def cli_run(loop: str, jobs: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "r.json")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "conformance",
                "run",
                "--loop",
                loop,
                "-q",
                "-j",
                str(jobs),
                "--json",
                out,
            ],
            check=False,
            capture_output=True,
        )
        with open(out) as f:
            run = json.load(f)["runs"][0]
    return sum(1 for c in run["cases"] if c["outcome"] != "skip")


def in_process(loop: str) -> int:
    """No isolation: every case in this process, one after the other."""
    from conformance.adapters import resolve_adapter
    from conformance.runtime.harness import run_case
    from conformance.runtime.peers import make_tls_pems
    from conformance.spec.load import load_suite
    from conformance.spec.markers import skip_reason

    adapter = resolve_adapter(loop)
    factory = adapter.load_factory()
    suite = load_suite()
    pems = make_tls_pems()
    gc.collect()
    gc.freeze()  # as the workers do, so the comparison is about isolation alone
    count = 0
    for case in suite.cases:
        if not case.runnable or skip_reason(case.markers):
            continue
        if "signal" in case.id or "subprocess" in case.id:
            continue  # would need the isolation being measured away
        run_case(suite.wire(case), factory, tls_pems=pems, loop_refs={"factory": adapter.factory})
        count += 1
    return count


def cpython_test_asyncio() -> int:
    python = shutil.which("python3.11") or sys.executable
    proc = subprocess.run(
        [python, "-m", "test", "test_asyncio", "-j2"],
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
    )
    match = re.search(r"Total tests: run=([\d,]+)", proc.stdout)
    return int(match.group(1).replace(",", "")) if match else 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--loop", default="asyncio")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-cpython", action="store_true")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    rows = []
    t, n = best(collect, args.rounds)
    rows.append(("collect all specs", n, t))
    t, n = best(lambda: cli_run(args.loop, cores), args.rounds)
    rows.append((f"run, {cores} workers (isolated)", n, t))
    t, n = best(lambda: cli_run(args.loop, 1), args.rounds)
    rows.append(("run, 1 worker (isolated)", n, t))
    t, n = best(lambda: in_process(args.loop), args.rounds)
    rows.append(("in-process, no isolation", n, t))
    if not args.skip_cpython:
        t, n = best(cpython_test_asyncio, 1)
        rows.append(("CPython test_asyncio -j2", n, t))
    print(f"{'what':34} {'items':>7} {'seconds':>9} {'items/s':>9}")
    for name, count, seconds in rows:
        print(f"{name:34} {count:7} {seconds:9.2f} {count / seconds:9.1f}")
    if not args.skip_cpython and rows[-1][1]:
        ours = rows[1][1] / rows[1][2]
        theirs = rows[-1][1] / rows[-1][2]
        print(f"\nsuite vs CPython test_asyncio: {ours / theirs:.2f}x the items per second")
    isolated, bare = rows[2][1] / rows[2][2], rows[3][1] / rows[3][2]
    print(f"isolation cost (1 worker vs in-process): {bare / isolated:.2f}x slower per case")


if __name__ == "__main__":
    main()
