"""Regenerate the published compatibility matrix in reports/matrix/.

    python scripts/build_matrix.py [--pythons 3.9 3.10 3.11 3.12 3.13] [--jobs 2]

For each Python found (pyenv's, or pythonX.Y on PATH) it makes a virtualenv
under .matrix/, installs the project, then each adapter in adapters/ on its
own (a loop that does not install on that Python is simply absent there), runs
every installed loop with its expectations file, and finally merges the
results into reports/matrix/{matrix.json,matrix.html,matrix.md} and the
README's summary table. Also available as ``tox -e matrix``.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".matrix"
DEFAULT_PYTHONS = ("3.9", "3.10", "3.11", "3.12", "3.13")
BUNDLED_LOOPS = ("asyncio", "reference")


def find_python(version: str) -> str | None:
    found = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python")))
    if found:
        return found[-1]
    return shutil.which(f"python{version}")


def adapters() -> list[Path]:
    return sorted(p for p in (ROOT / "adapters").iterdir() if (p / "pyproject.toml").is_file())


def build_env(version: str, python: str) -> Path:
    env = WORK / f"py{version}"
    if not (env / "bin" / "python").exists():
        subprocess.run([python, "-m", "venv", str(env)], check=True)
    subprocess.run([str(env / "bin" / "pip"), "install", "-q", "-e", str(ROOT)], check=True)
    return env


def install_adapters(env: Path) -> list[tuple[str, Path]]:
    installed = []
    for folder in adapters():
        proc = subprocess.run(
            [str(env / "bin" / "pip"), "install", "-q", "-e", str(folder)],
            capture_output=True,
            text=True,
        )
        if proc.returncode == 0:
            installed.append((folder.name, folder / "expectations.yaml"))
        else:
            print(f"  {folder.name}: does not install here; left out", file=sys.stderr)
    return installed


def run_env(env: Path, version: str, loops: list[tuple[str, Path]], jobs: int) -> Path:
    out = WORK / f"results-py{version}.json"
    command = [
        str(env / "bin" / "asyncio-conformance"),
        "run",
        "-q",
        "-j",
        str(jobs),
        "--json",
        str(out),
    ]
    for name in BUNDLED_LOOPS:
        command += ["--loop", name]
    for name, expectations in loops:
        command += ["--loop", name]
        if expectations.is_file():
            command += ["--expectations", str(expectations)]
    print("  " + " ".join(command[1:]))
    subprocess.run(command, check=False)  # a failing gate is still a matrix entry
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pythons", nargs="+", default=list(DEFAULT_PYTHONS))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    results = []
    for version in args.pythons:
        python = find_python(version)
        if python is None:
            print(f"Python {version}: not found; skipped", file=sys.stderr)
            continue
        print(f"Python {version} ({python})")
        env = build_env(version, python)
        loops = install_adapters(env)
        results.append(run_env(env, version, loops, args.jobs))
    existing = [str(p) for p in results if p.exists()]
    if not existing:
        print("no results: nothing to merge", file=sys.stderr)
        return 1
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "conformance",
            "matrix",
            *existing,
            "--output-dir",
            str(ROOT / "reports" / "matrix"),
            "--readme",
            str(ROOT / "README.md"),
        ]
    ).returncode


if __name__ == "__main__":
    sys.exit(main())
