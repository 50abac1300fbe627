#!/usr/bin/env python3
"""How much of the reference loop's behaviour do the specs pin down? Mutation testing.

cosmic-ray (https://cosmic-ray.readthedocs.io) makes small changes ("mutants") to
reference_loop/, one at a time; the conformance run is the test. A mutant is
*killed* when the reference loop then fails at least one case it passes
unmutated (a fail, timeout or crash, or a hygiene pseudo-case: exit 1 of
``asyncio-conformance run``), *survives* when every case still passes, and is
an *error* when the tool itself could not run (exit 2 or more: a factory that
makes no loop, say). docs/detection-power.md gives the method and the score.

Usage, from the repository root, with ``pip install -e '.[mutation]'``:

    nice -n 19 python scripts/mutation_score.py run      # sample, run every mutant, report
    python scripts/mutation_score.py report              # the counts and survivors so far
    python scripts/mutation_score.py retest KEY...       # rerun mutants against the current specs

``run`` takes about 80 minutes on two cores, and resumes where it stopped when
run again (``--fresh`` starts over). Everything it writes is under
``.mutation/`` (``--workdir``): the mutants are made in a copy of
``conformance/``, ``reference_loop/`` and ``specs/`` there, never in the
checkout, so the checkout stays usable while it runs. ``--clean`` removes the
folder after the report.

How a mutant is run (the ``test`` subcommand, which cosmic-ray calls):

1. ``asyncio-conformance run --loop reference -j 2 --no-stdlib-baseline``
   over every case but the two that wait out the default 60 s TLS handshake
   timeout, stopped at the first failing case (its progress marks are read as
   they come).
2. If every case passed, and the mutated line is in a function those two
   cases execute (or at module or class level, which runs at import), the
   two 60 s cases. A function they never enter cannot change their outcome;
   which functions they enter is measured once, with coverage.py, on the
   unmutated loop.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import difflib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("conformance", "reference_loop", "specs")
#: Cases that wait out a default timeout; run only for mutants that can reach them.
SLOW_SUFFIX = "after-60s"
#: Progress marks that are not a failure (pass, skip).
PASSING_MARKS = {".", "s"}
VERDICT_PREFIX = "MUTATION-VERDICT "
DEFAULT_SEED = 13
DEFAULT_SAMPLE = 300
#: Seconds cosmic-ray gives one mutant (both phases) before it kills it (a kill).
MUTANT_TIMEOUT = 900


# --------------------------------------------------------------------------- helpers


def _env(tree: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(tree) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _python() -> str:
    return sys.executable


def _case_ids(tree: Path) -> list[dict]:
    out = subprocess.run(
        [_python(), "-m", "conformance", "list-specs", "--json"],
        cwd=tree,
        env=_env(tree),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def _selection(tree: Path) -> tuple[list[str], list[str]]:
    """(every runnable case id but the slow ones, the slow ones)."""
    cases = _case_ids(tree)
    ids = [c["id"] for c in cases]
    slow = [i for i in ids if i.endswith(SLOW_SUFFIX)]
    fast = [i for i in ids if i not in slow]
    # -k is a substring match: make sure no fast id selects a slow case.
    for pattern in fast:
        for s in slow:
            if pattern in s:
                raise SystemExit(f"case id {pattern!r} would also select {s!r}")
    return fast, slow


def _load_meta(workdir: Path) -> dict:
    return json.loads((workdir / "meta.json").read_text())


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


# --------------------------------------------------------------------------- one mutant


def _changed_lines(workdir: Path) -> list[tuple[str, int]]:
    """(module, original line) of every line of reference_loop/ that differs from the pristine copy."""
    tree = workdir / "tree" / "reference_loop"
    pristine = workdir / "pristine" / "reference_loop"
    changed = []
    for path in sorted(pristine.rglob("*.py")):
        rel = path.relative_to(pristine)
        old = path.read_text().splitlines()
        mutated = tree / rel
        new = mutated.read_text().splitlines() if mutated.exists() else []
        if old == new:
            continue
        matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
        for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
            if tag != "equal":
                for line in range(i1 + 1, max(i2, i1 + 1) + 1):
                    changed.append((f"reference_loop/{rel.as_posix()}", line))
    return changed


def _enclosing_function(source: str, line: int) -> Optional[tuple[int, int]]:
    """The (first, last) line of the innermost function whose body holds ``line``, if any."""
    best = None
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0].lineno
            if first <= line <= (node.end_lineno or first):
                if best is None or first >= best[0]:
                    best = (first, node.end_lineno or first)
    return best


def _slow_cases_can_reach(workdir: Path, changed: list[tuple[str, int]]) -> bool:
    """Whether a mutant on these lines may change the outcome of the slow cases."""
    executed = json.loads((workdir / "slow-coverage.json").read_text())
    for module, line in changed:
        source = (workdir / "pristine" / module).read_text()
        span = _enclosing_function(source, line)
        if span is None:
            return True  # module or class level: runs at import
        lines = set(executed.get(module, []))
        if any(span[0] <= n <= span[1] for n in lines):
            return True
    return False


def _run_cases(tree: Path, ids: list[str], jobs: int, scratch: Path) -> dict:
    """Run ``ids`` on the reference loop from ``tree``; stop at the first failing case.

    Returns {"exit": code, "failed": [ids], "stopped": bool, "seconds": s}.
    """
    report = scratch / "results.json"
    args = [_python(), "-m", "conformance", "run", "--loop", "reference", "-j", str(jobs)]
    args += ["--no-stdlib-baseline", "--json", str(report)]
    for case_id in ids:
        args += ["-k", case_id]
    started = time.monotonic()
    errors = scratch / "stderr.txt"
    with open(errors, "wb") as stderr:
        proc = subprocess.Popen(
            args, cwd=tree, env=_env(tree), stdout=subprocess.PIPE, stderr=stderr
        )
    assert proc.stdout is not None
    # The progress line: "reference (N cases) " then one mark per case, broken
    # by a status "  [...]" or a note "  ..." up to the end of a line.
    stopped = in_note = False
    header = ""
    total = marks = -1
    while True:
        chunk = os.read(proc.stdout.fileno(), 4096)
        if not chunk:
            break
        for char in chunk.decode("utf-8", "replace"):
            if total < 0:
                header = (header + char)[-40:]
                found = re.search(r"\((\d+) cases\) $", header)
                if found:
                    total, marks = int(found.group(1)), 0
            elif marks >= total or stopped:
                continue  # the summary and findings, after the last mark
            elif char == "\n":
                in_note = False
            elif char == " ":
                in_note = True
            elif not in_note:
                marks += 1
                if char not in PASSING_MARKS:
                    stopped = True
                    proc.send_signal(signal.SIGTERM)  # exits 4, the cases so far in the JSON
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.stdout.close()
    failed: list[str] = []
    if report.exists():
        try:
            run = json.loads(report.read_text())["runs"][0]
            failed = [
                c["id"]
                for c in run["cases"] + run.get("hygiene", [])
                if c["outcome"] not in ("pass", "skip")
            ]
        except (ValueError, KeyError, IndexError):
            pass
        report.unlink()
    return {
        "exit": proc.returncode,
        "failed": failed,
        "stopped": stopped,
        "seconds": round(time.monotonic() - started, 1),
        "stderr": errors.read_text(errors="replace")[-2000:],
    }


def _judge(outcome: dict) -> str:
    if outcome["exit"] == 0:
        return "survived"
    if outcome["exit"] == 1 or outcome["stopped"]:
        return "killed"
    return "error"


def _phase(tree: Path, ids: list[str], jobs: int, scratch: Path) -> dict:
    """Run ``ids``; a kill counts only if it reproduces.

    A machine shared with other work can make a timing case fail once. So the
    cases that failed are run again on their own; if they pass, the whole
    phase is run again and that second run decides.
    """
    first = _run_cases(tree, ids, jobs, scratch)
    if _judge(first) != "killed":
        return first
    known = set(ids)
    cases = [i for i in first["failed"] if i in known][:5]
    if cases and _judge(_run_cases(tree, cases, jobs, scratch)) == "killed":
        first["confirmed"] = True
        return first
    second = _run_cases(tree, ids, jobs, scratch)
    second["not_reproduced"] = first["failed"][:5]
    second["seconds"] += first["seconds"]
    return second


def _brief(outcome: dict) -> dict:
    return {k: v for k, v in outcome.items() if k != "stderr" or outcome["exit"] > 1}


def cmd_test(args: argparse.Namespace) -> int:
    """cosmic-ray's test command: judge the mutant now applied to the tree."""
    workdir = Path(args.workdir).resolve()
    meta = _load_meta(workdir)
    tree = workdir / "tree"
    changed = _changed_lines(workdir)
    fast, slow = _selection(tree)
    verdict: dict[str, Any] = {"changed": changed[:5]}
    with tempfile.TemporaryDirectory(dir=workdir) as scratch:
        first = _phase(tree, fast, meta["jobs"], Path(scratch))
        verdict["phase1"] = _brief(first)
        result = _judge(first)
        if result == "survived" and slow:
            if changed and not _slow_cases_can_reach(workdir, changed):
                verdict["phase2"] = "not run: the 60 s cases never enter the mutated function"
            else:
                second = _phase(tree, slow, meta["jobs"], Path(scratch))
                verdict["phase2"] = _brief(second)
                result = _judge(second)
    verdict["verdict"] = result
    where = ", ".join(f"{m}:{n}" for m, n in changed[:2]) or "no change"
    phase2 = verdict.get("phase2")
    seconds = first["seconds"] + (phase2["seconds"] if isinstance(phase2, dict) else 0)
    failed = first["failed"] or (phase2["failed"] if isinstance(phase2, dict) else [])
    with open(workdir / "progress.log", "a") as log:
        log.write(
            f"{time.strftime('%H:%M:%S')} {result:8} {seconds:6.1f}s {where} "
            f"{(failed or [''])[0]}{' (retried)' if 'not_reproduced' in first else ''}\n"
        )
    print(VERDICT_PREFIX + json.dumps(verdict, sort_keys=True))
    return {"survived": 0, "killed": 1}.get(result, 3)


# --------------------------------------------------------------------------- preparing a session


def _copy_tree(workdir: Path) -> None:
    for name in ("tree", "pristine"):
        shutil.rmtree(workdir / name, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in COPIED:
        shutil.copytree(ROOT / name, workdir / "tree" / name, ignore=ignore)
    shutil.copytree(ROOT / "reference_loop", workdir / "pristine" / "reference_loop", ignore=ignore)


def _coverage(tree: Path, workdir: Path, name: str, expression: str) -> dict[str, list[int]]:
    """Lines of reference_loop/ executed by the cases ``expression`` selects (pytest plugin, in-process)."""
    data = workdir / f".coverage-{name}"
    report = workdir / f"coverage-{name}.raw.json"
    env = _env(tree)
    env["COVERAGE_FILE"] = str(data)
    subprocess.run(
        [_python(), "-m", "coverage", "run", "--source", "reference_loop", "-m", "pytest"]
        + ["-p", "no:cacheprovider", "-p", "no:randomly", "-q", "--no-header"]
        + ["--conformance-loop", "reference", "-k", expression, "specs"],
        cwd=tree,
        env=env,
        stdout=subprocess.DEVNULL,
        check=False,
    )
    subprocess.run(
        [_python(), "-m", "coverage", "json", "-o", str(report)],
        cwd=tree,
        env=env,
        stdout=subprocess.DEVNULL,
        check=True,
    )
    raw = json.loads(report.read_text())
    report.unlink()
    data.unlink()
    executed = {}
    for path, info in raw["files"].items():
        full = Path(path) if Path(path).is_absolute() else tree / path
        rel = full.resolve().relative_to(tree.resolve()).as_posix()
        executed[rel] = sorted(info["executed_lines"])
    return executed


def _test_command(workdir: Path) -> str:
    return f"{_python()} {Path(__file__).resolve()} test --workdir {workdir}"


def _config(workdir: Path) -> Path:
    config = workdir / "cosmic-ray.toml"
    command = _test_command(workdir)
    config.write_text(
        "[cosmic-ray]\n"
        'module-path = "tree/reference_loop"\n'
        f"timeout = {MUTANT_TIMEOUT}.0\n"
        "excluded-modules = []\n"
        f"test-command = {json.dumps(command)}\n"
        "\n[cosmic-ray.distributor]\n"
        'name = "local"\n'
    )
    return config


def _sample(workdir: Path, size: int, seed: int) -> dict:
    """Mark every mutant outside a seeded random sample as skipped; returns what was drawn."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    spans: dict[Path, list[tuple[tuple[int, int], tuple[int, int]]]] = {}
    with use_db(str(workdir / "session.sqlite"), mode=WorkDB.Mode.open) as db:
        every = sorted(
            db.pending_work_items,
            key=lambda w: (
                w.mutations[0].module_path.as_posix(),
                w.mutations[0].operator_name,
                w.mutations[0].occurrence,
            ),
        )
        typing_only = [w for w in every if _in_annotation(workdir, w.mutations[0], spans)]
        db.set_multiple_results(
            [w.job_id for w in typing_only],
            WorkResult(
                output="in an annotation, never evaluated (from __future__ import annotations)",
                worker_outcome=WorkerOutcome.SKIPPED,
            ),
        )
        excluded = {w.job_id for w in typing_only}
        items = [w for w in every if w.job_id not in excluded]
        drawn = set(random.Random(seed).sample(range(len(items)), min(size, len(items))))
        rest = [w.job_id for i, w in enumerate(items) if i not in drawn]
        db.set_multiple_results(
            rest, WorkResult(output="not in the sample", worker_outcome=WorkerOutcome.SKIPPED)
        )
        population = Counter(_module(w) for w in items)
        sampled = Counter(_module(w) for i, w in enumerate(items) if i in drawn)
    return {
        "enumerated": len(every),
        "in_annotations": len(typing_only),
        "population": len(items),
        "per_module": {m: [sampled.get(m, 0), population[m]] for m in sorted(population)},
    }


def _in_annotation(workdir: Path, mutation: Any, spans: dict) -> bool:
    """Whether the mutation is inside a type annotation.

    Every module of reference_loop/ starts with ``from __future__ import
    annotations``, so annotations are strings that nothing evaluates: a
    mutant there (``X | None`` -> ``X // None``) is equivalent by construction.
    """
    path = workdir / mutation.module_path
    if path not in spans:
        tree = ast.parse(path.read_text())
        found = []
        if any(
            isinstance(node, ast.ImportFrom)
            and node.module == "__future__"
            and any(a.name == "annotations" for a in node.names)
            for node in tree.body
        ):
            for node in ast.walk(tree):
                notes = []
                if isinstance(node, ast.arg):
                    notes.append(node.annotation)
                elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    notes.append(node.returns)
                elif isinstance(node, ast.AnnAssign):
                    notes.append(node.annotation)
                for note in notes:
                    if note is not None:
                        found.append(
                            (
                                (note.lineno, note.col_offset),
                                (note.end_lineno or note.lineno, note.end_col_offset or 0),
                            )
                        )
        spans[path] = found
    start = tuple(mutation.start_pos)
    return any(first <= start < last for first, last in spans[path])


def _module(item: Any) -> str:
    path = item.mutations[0].module_path.as_posix()
    return path[len("tree/") :] if path.startswith("tree/") else path


def cmd_run(args: argparse.Namespace) -> int:
    if args.nice:
        os.nice(args.nice)
    workdir = Path(args.workdir).resolve()
    session = workdir / "session.sqlite"
    if args.fresh and workdir.exists():
        shutil.rmtree(workdir)
    if not session.exists():
        _prepare(workdir, args)
    meta = _load_meta(workdir)
    print(
        f"session {session}: {meta['sample']['size']} of {meta['sample']['population']} "
        f"mutants, seed {meta['sample']['seed']}; progress in {workdir / 'progress.log'}",
        flush=True,
    )
    started = time.time()
    subprocess.run(
        [_python(), "-m", "cosmic_ray.cli", "exec", str(workdir / "cosmic-ray.toml"), str(session)],
        cwd=workdir,
        check=True,
    )
    meta.setdefault("exec_seconds", []).append(round(time.time() - started))
    _write_json(workdir / "meta.json", meta)
    _restored_or_die(workdir)
    code = cmd_report(args)
    if args.clean:
        shutil.rmtree(workdir)
    return code


def _prepare(workdir: Path, args: argparse.Namespace) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    _copy_tree(workdir)
    tree = workdir / "tree"
    print("baseline: the unmutated reference loop must pass every case", flush=True)
    fast, slow = _selection(tree)
    with tempfile.TemporaryDirectory(dir=workdir) as scratch:
        base = _run_cases(tree, fast + slow, args.jobs, Path(scratch))
    if base["exit"] != 0:
        raise SystemExit(f"the unmutated reference loop fails: {base}")
    print(f"baseline passed in {base['seconds']} s; measuring coverage", flush=True)
    slow_expr = " or ".join(f"({i.split('/')[-1]})" for i in slow) or "nothing"
    # Both at once: the slow cases mostly wait.
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        slow_lines = pool.submit(_coverage, tree, workdir, "slow", slow_expr)
        suite_lines = pool.submit(_coverage, tree, workdir, "suite", f"not {SLOW_SUFFIX}")
        _write_json(workdir / "slow-coverage.json", slow_lines.result())
        _write_json(workdir / "suite-coverage.json", suite_lines.result())
    config = _config(workdir)
    subprocess.run(
        [_python(), "-m", "cosmic_ray.cli", "init", str(config), "session.sqlite"],
        cwd=workdir,
        check=True,
    )
    drawn = _sample(workdir, args.sample, args.seed)
    from importlib.metadata import version

    _write_json(
        workdir / "meta.json",
        {
            "tool": f"cosmic-ray {version('cosmic-ray')}",
            "python": sys.version.split()[0],
            "commit": _git("rev-parse", "HEAD"),
            "reference_loop_dirty": bool(_git("status", "--porcelain", "reference_loop")),
            "jobs": args.jobs,
            "cases": {"fast": len(fast), "slow": len(slow)},
            "baseline_seconds": base["seconds"],
            "sample": {"seed": args.seed, "size": args.sample, **drawn},
            "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        },
    )


def _restored_or_die(workdir: Path) -> None:
    changed = _changed_lines(workdir)
    if changed:
        raise SystemExit(f"the tree was left mutated: {changed[:5]}")


# --------------------------------------------------------------------------- reports


def _verdict_of(result: Any) -> tuple[str, dict]:
    from cosmic_ray.work_item import WorkerOutcome

    if result.worker_outcome == WorkerOutcome.NO_TEST:
        return "error", {"why": "cosmic-ray made no mutation"}
    if result.worker_outcome != WorkerOutcome.NORMAL:
        return "error", {"why": (result.output or "")[-500:]}
    output = result.output or ""
    if output == "timeout":
        return "killed", {"why": f"timeout: the run took over {MUTANT_TIMEOUT} s"}
    for line in reversed(output.splitlines()):
        if line.startswith(VERDICT_PREFIX):
            data = json.loads(line[len(VERDICT_PREFIX) :])
            return data["verdict"], data
    return "error", {"why": output[-500:]}


def _mutant_rows(workdir: Path) -> list[dict]:
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome

    suite = json.loads((workdir / "suite-coverage.json").read_text())
    rows = []
    with use_db(str(workdir / "session.sqlite"), mode=WorkDB.Mode.open) as db:
        results = dict(db.results)
        for item in db.work_items:
            result = results.get(item.job_id)
            if result is not None and result.worker_outcome == WorkerOutcome.SKIPPED:
                continue
            mutation = item.mutations[0]
            module = _module(item)
            line = mutation.start_pos[0]
            row = {
                "key": f"{module}:{line}:{mutation.operator_name.split('/')[-1]}:{mutation.occurrence}",
                "job": item.job_id,
                "module": module,
                "line": line,
                "operator": mutation.operator_name,
                "occurrence": mutation.occurrence,
                "definition": mutation.definition_name,
                "run_by_suite": line in set(suite.get(module, [])),
            }
            if result is None:
                row["verdict"] = "pending"
            else:
                row["verdict"], detail = _verdict_of(result)
                phase1 = detail.get("phase1") or {}
                phase2 = detail.get("phase2")
                failed = phase1.get("failed") or (
                    phase2.get("failed") if isinstance(phase2, dict) else None
                )
                row["failed"] = (failed or [])[:3]
                row["seconds"] = (phase1.get("seconds") or 0) + (
                    phase2.get("seconds", 0) if isinstance(phase2, dict) else 0
                )
                row["phase2"] = "run" if isinstance(phase2, dict) else phase2
                if row["verdict"] == "error":
                    row["why"] = detail.get("why") or phase1.get("stderr", "")[-500:]
                row["diff"] = "\n".join(
                    line
                    for line in (result.diff or "").splitlines()
                    if line.startswith(("+", "-", "@@")) and not line.startswith(("+++", "---"))
                )
            rows.append(row)
    rows.sort(key=lambda r: (r["module"], r["line"], r["operator"], r["occurrence"]))
    return rows


def cmd_report(args: argparse.Namespace) -> int:
    workdir = Path(args.workdir).resolve()
    meta = _load_meta(workdir)
    rows = _mutant_rows(workdir)
    counts = Counter(r["verdict"] for r in rows)
    per_module: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        per_module[r["module"]][r["verdict"]] += 1
    judged = counts["killed"] + counts["survived"]
    print(
        f"{meta['tool']}, seed {meta['sample']['seed']}, {len(rows)} mutants sampled "
        f"of {meta['sample']['population']}"
    )
    print(", ".join(f"{counts[k]} {k}" for k in ("killed", "survived", "error", "pending")))
    if judged:
        print(
            f"raw score (before equivalents are set aside): {counts['killed']}/{judged} "
            f"= {100 * counts['killed'] / judged:.1f}%"
        )
    print()
    print(f"{'module':45} sampled killed survived error pending")
    for module in sorted(per_module):
        c = per_module[module]
        print(
            f"{module:45} {sum(c.values()):7} {c['killed']:6} {c['survived']:8} "
            f"{c['error']:5} {c['pending']:7}"
        )
    seconds = [r["seconds"] for r in rows if "seconds" in r]
    if seconds:
        print(
            f"\nmutant run time: mean {sum(seconds) / len(seconds):.1f} s, "
            f"total {sum(seconds) / 60:.0f} min"
        )
    survivors = [r for r in rows if r["verdict"] in ("survived", "error")]
    if survivors:
        print("\nsurvivors and errors:")
    for r in survivors:
        run = "line run by the suite" if r["run_by_suite"] else "line never run by the suite"
        print(
            f"\n{r['verdict'].upper()} {r['key']}  ({r['definition']}; {run}; job {r['job'][:8]})"
        )
        print("    " + r["diff"].replace("\n", "\n    "))
        if r.get("why"):
            print("    why: " + r["why"].replace("\n", "\n    "))
    _write_json(workdir / "results.json", {"meta": meta, "counts": dict(counts), "mutants": rows})
    if args.json:
        _write_json(Path(args.json), {"meta": meta, "counts": dict(counts), "mutants": rows})
    return 0


def cmd_retest(args: argparse.Namespace) -> int:
    """Rerun chosen mutants (job id prefix or key) on the current specs of the checkout."""
    from cosmic_ray.mutating import mutate_and_test
    from cosmic_ray.work_db import WorkDB, use_db

    if args.nice:
        os.nice(args.nice)
    workdir = Path(args.workdir).resolve()
    tree = workdir / "tree"
    if not args.keep_specs:
        shutil.rmtree(tree / "specs")
        shutil.copytree(ROOT / "specs", tree / "specs")
    rows = {r["job"]: r for r in _mutant_rows(workdir)}
    wanted = []
    for want in args.mutants:
        match = [j for j, r in rows.items() if j.startswith(want) or r["key"] == want]
        if len(match) != 1:
            raise SystemExit(f"{want!r} names {len(match)} mutants")
        wanted.append(match[0])
    command = _test_command(workdir)
    code = 0
    cwd = os.getcwd()
    os.chdir(workdir)
    try:
        with use_db(str(workdir / "session.sqlite"), mode=WorkDB.Mode.open) as db:
            items = {w.job_id: w for w in db.work_items}
            for job in wanted:
                result = mutate_and_test(items[job].mutations, command, MUTANT_TIMEOUT)
                verdict, detail = _verdict_of(result)
                failed = (detail.get("phase1") or {}).get("failed") or []
                print(f"{rows[job]['key']}: {verdict} {failed[:3]}", flush=True)
                code |= verdict != "killed"
    finally:
        os.chdir(cwd)
        _restored_or_die(workdir)
    return code


# --------------------------------------------------------------------------- command line


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", default=str(ROOT / ".mutation"))
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="sample the mutants, run them (resumes), report")
    run.add_argument("--seed", type=int, default=DEFAULT_SEED)
    run.add_argument("--sample", type=int, default=DEFAULT_SAMPLE)
    run.add_argument("--jobs", type=int, default=2, help="conformance workers per mutant")
    run.add_argument("--nice", type=int, default=0, help="add this to the niceness first")
    run.add_argument("--fresh", action="store_true", help="discard an earlier session")
    run.add_argument("--clean", action="store_true", help="remove the workdir after the report")
    run.add_argument("--json", help="also write every mutant's result here")
    report = sub.add_parser("report", help="counts, per module, and every survivor's diff")
    report.add_argument("--json", help="also write every mutant's result here")
    retest = sub.add_parser("retest", help="rerun mutants (job id prefix or key) on current specs")
    retest.add_argument("mutants", nargs="+")
    retest.add_argument("--keep-specs", action="store_true", help="keep the session's specs")
    retest.add_argument("--nice", type=int, default=0)
    test = sub.add_parser("test", help="(for cosmic-ray) judge the mutant applied now")
    test.add_argument("--workdir", dest="workdir_test")
    args = parser.parse_args(argv)
    if args.command == "test" and args.workdir_test:
        args.workdir = args.workdir_test
    return {"run": cmd_run, "report": cmd_report, "retest": cmd_retest, "test": cmd_test}[
        args.command
    ](args)


if __name__ == "__main__":
    sys.exit(main())
