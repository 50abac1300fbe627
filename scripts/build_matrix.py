"""Regenerate the published compatibility matrix in reports/matrix/.

    python scripts/build_matrix.py [--pythons 3.9 ... 3.13] [--loops NAME ...]
                                   [--jobs N] [--parallel N] [--fresh] [--merge-only]

For each Python found (pyenv's, or pythonX.Y on PATH) it makes a virtualenv
under .matrix/, installs the project, then each adapter in adapters/ on its
own (a loop that does not install on that Python is simply absent there). It
runs each loop in its own ``asyncio-conformance run`` with that loop's
expectations file, writing .matrix/results/py<X.Y>-<loop>.json, and finally
merges every results file there with ``asyncio-conformance matrix`` into
reports/matrix/ (index.html, a page per Python, a findings page per run,
matrix.json, matrix.md) and the README's summary table. Also available as
``tox -e matrix``. ``--jobs`` is each run's -j (default auto); ``--parallel``
runs that many loops at once. The CI workflow (.github/workflows/matrix.yml)
runs the same commands as one job per Python and loop.

One file per (Python, loop) makes the build resumable: a results file that
already exists is reused unless --fresh is given, so after fixing one loop's
expectations, ``--loops rloop --fresh`` re-runs only that loop (a full rloop
run takes minutes because it leaves its peers waiting for their timeouts).
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".matrix"
RESULTS = WORK / "results"
DEFAULT_PYTHONS = ("3.9", "3.10", "3.11", "3.12", "3.13")
BUNDLED_LOOPS = ("asyncio", "reference")


def find_python(version: str) -> str | None:
    found = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python")))
    if found:
        return found[-1]
    return shutil.which(f"python{version}")


def adapter_folders() -> list[Path]:
    return sorted(p for p in (ROOT / "adapters").iterdir() if (p / "pyproject.toml").is_file())


def build_env(version: str, python: str) -> Path:
    env = WORK / f"py{version}"
    if not (env / "bin" / "python").exists():
        subprocess.run([python, "-m", "venv", str(env)], check=True)
    subprocess.run([str(env / "bin" / "pip"), "install", "-q", "-e", str(ROOT)], check=True)
    return env


def install_adapters(env: Path, wanted: set[str] | None) -> dict[str, Path]:
    """Adapter name -> its expectations file, for those that install here."""
    installed = {}
    for folder in adapter_folders():
        if wanted is not None and folder.name not in wanted:
            continue
        proc = subprocess.run(
            [str(env / "bin" / "pip"), "install", "-q", "-e", str(folder)],
            capture_output=True,
            text=True,
        )
        if proc.returncode == 0:
            installed[folder.name] = folder / "expectations.yaml"
        else:
            print(f"  {folder.name}: does not install here; left out", file=sys.stderr)
    # An adapter package may install where its loop does not (blazio's needs
    # Python 3.12): list-loops says "not available here", and the matrix shows
    # the cell as not installable instead of a failed run.
    listing = subprocess.run(
        [str(env / "bin" / "asyncio-conformance"), "list-loops"],
        capture_output=True,
        text=True,
    ).stdout
    for line in listing.splitlines():
        name = line.split(maxsplit=1)[0] if line.strip() else ""
        if name in installed and "(not available here)" in line:
            print(
                f"  {name}: installs, but its loop is not available here; left out", file=sys.stderr
            )
            del installed[name]
    return installed


def run_loop(env: Path, version: str, loop: str, expectations: Path | None, jobs: str) -> Path:
    out = RESULTS / f"py{version}-{loop}.json"
    partial = out.with_suffix(".partial.json")
    # --slow: the published matrix includes the cases that wait out a default.
    command = [str(env / "bin" / "asyncio-conformance"), "run", "-q", "--slow", "-j", jobs]
    command += ["--loop", loop, "--json", str(partial)]
    if expectations is not None and expectations.is_file():
        command += ["--expectations", str(expectations.relative_to(ROOT))]
    started = time.monotonic()
    # A failing gate (exit 1) is still a matrix entry; only a run that wrote
    # nothing (exit 2, a crash of the tool itself) is not.
    proc = subprocess.run(
        command, cwd=ROOT, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    if proc.returncode not in (0, 1):
        print(proc.stderr[-2000:], file=sys.stderr)
    took = time.monotonic() - started
    if partial.exists():
        partial.replace(out)
    verdict = {0: "gate pass", 1: "GATE FAIL"}.get(proc.returncode, f"exit {proc.returncode}")
    print(f"  Python {version} {loop}: {verdict} in {took:.0f} s", flush=True)
    return out


def merge(paths: list[Path]) -> int:
    # Any matrix virtualenv has the CLI; the interpreter running this script
    # (a bare python3, say) need not.
    envs = sorted(WORK.glob("py*/bin/asyncio-conformance"))
    cli = [str(envs[-1])] if envs else [sys.executable, "-m", "conformance"]
    return subprocess.run(
        [
            *cli,
            "matrix",
            *map(str, paths),
            "--output-dir",
            str(ROOT / "reports" / "matrix"),
            "--readme",
            str(ROOT / "README.md"),
        ],
        cwd=ROOT,
    ).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pythons", nargs="+", default=list(DEFAULT_PYTHONS))
    parser.add_argument("--loops", nargs="+", help="only these loops (default: all)")
    parser.add_argument("--jobs", default="auto", help="each run's -j (default: auto)")
    parser.add_argument(
        "--parallel", type=int, default=1, metavar="N", help="run N loops at once (default 1)"
    )
    parser.add_argument("--fresh", action="store_true", help="re-run even where results exist")
    parser.add_argument("--merge-only", action="store_true", help="only merge existing results")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    wanted = set(args.loops) if args.loops else None
    if not args.merge_only:
        for version in args.pythons:
            python = find_python(version)
            if python is None:
                print(f"Python {version}: not found; skipped", file=sys.stderr)
                continue
            print(f"Python {version} ({python})", flush=True)
            env = build_env(version, python)
            loops: dict[str, Path | None] = {
                name: None for name in BUNDLED_LOOPS if wanted is None or name in wanted
            }
            loops.update(install_adapters(env, wanted))
            todo = []
            for loop, expectations in loops.items():
                if (RESULTS / f"py{version}-{loop}.json").exists() and not args.fresh:
                    print(f"  Python {version} {loop}: results exist; reused")
                    continue
                todo.append((loop, expectations))
            with ThreadPoolExecutor(max(1, args.parallel)) as pool:
                runs = [
                    pool.submit(run_loop, env, version, loop, expectations, args.jobs)
                    for loop, expectations in todo
                ]
                for run in runs:
                    run.result()  # a failure to even start a run stops the build
    existing = sorted(RESULTS.glob("py*-*.json"))
    existing = [p for p in existing if not p.name.endswith(".partial.json")]
    if not existing:
        print("no results: nothing to merge", file=sys.stderr)
        return 1
    return merge(existing)


if __name__ == "__main__":
    sys.exit(main())
