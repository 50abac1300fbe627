"""``asyncio-conformance run``: the specs against one or more loops, then the reports."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator, Optional

from ..errors import EXIT_GATE, EXIT_INCOMPLETE, EXIT_OK, Problem, UsageError
from ..results import CaseResult
from .base import Command, suite_from


def parse_shard(text: Optional[str]) -> Optional[tuple[int, int]]:
    if text is None:
        return None
    index, _, count = text.partition("/")
    if not (index.isdigit() and count.isdigit()) or not 1 <= int(index) <= int(count):
        raise UsageError(f"--shard: {text!r} is not K/N with 1 <= K <= N")
    return int(index), int(count)


def _jobs(text: str) -> int:
    """``-j``: ``auto`` (or 0) lets the pool size itself; otherwise a fixed count."""
    if text == "auto":
        return 0
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected auto or a number, got {text!r}") from None


def default_loops() -> list[str]:
    from ..adapters import available_adapters

    found = available_adapters()
    return [name for name in ("reference", "asyncio") if found.get(name)]


class Run(Command):
    name = "run"
    help = "run the specs against one or more loops"

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        add = parser.add_argument
        add(
            "--loop",
            action="append",
            default=[],
            metavar="LOOP",
            help="a registered adapter name or package.module:factory (repeatable; "
            "default: the reference loop and the stdlib loop)",
        )
        add(
            "-k",
            "--select",
            action="append",
            default=[],
            metavar="PATTERN",
            help="run only cases whose id contains PATTERN (repeatable)",
        )
        add(
            "--section",
            action="append",
            default=[],
            metavar="NAME",
            help="run only this inventory section (repeatable)",
        )
        add(
            "-j",
            "--jobs",
            type=_jobs,
            default=0,
            metavar="N",
            help="worker processes (default: auto, one per core to start with and more, "
            "up to four per core, while the machine has a core idle because cases are waiting)",
        )
        add(
            "--timeout-multiplier",
            type=float,
            default=1.0,
            metavar="F",
            help="scale every timeout and wait by F",
        )
        add(
            "--full-timeouts",
            action="store_true",
            help="give a case the expectations say hangs its whole timeout (not 2 s), "
            "and one they say fails its whole waits (not 1 s each): to see whether a "
            "slow fix makes it pass",
        )
        add(
            "--expectations",
            action="append",
            default=[],
            metavar="FILE",
            help="a YAML file of known deviations (repeatable)",
        )
        add(
            "--no-default-expectations",
            action="store_true",
            help="do not apply the expectations bundled with an adapter",
        )
        add("--allow-xpass", action="store_true", help="unexpected passes do not fail the gate")
        add(
            "--hygiene",
            choices=("fail", "warn"),
            default="fail",
            help="whether what a loop leaves open (fds, threads, children, unclosed objects) "
            "fails the gate; either way it is reported, once per kind (default: fail)",
        )
        add(
            "--stdlib-expectations",
            choices=("auto", "yes", "no"),
            default="auto",
            help="apply the stdlib's expectations to a loop built on the stdlib's (auto: when "
            "its adapter says so or its loop is an asyncio.BaseEventLoop)",
        )
        add(
            "--no-stdlib-baseline",
            action="store_true",
            help="do not check failing cases against the stdlib loop",
        )
        add(
            "--repeat",
            type=int,
            default=1,
            metavar="N",
            help="run every case N times and report flaky cases",
        )
        add("--debug-mode", action="store_true", help="run every loop in asyncio debug mode")
        add("--json", type=Path, metavar="PATH", help="write the results JSON here")
        add("--junit", type=Path, metavar="PATH", help="write JUnit XML here")
        add("--html", type=Path, metavar="PATH", help="write the HTML report here")
        add(
            "--report-dir",
            type=Path,
            metavar="DIR",
            help="write results.json, junit.xml, report.html, summary.md and badges here",
        )
        add(
            "--write-expectations",
            type=Path,
            metavar="FILE",
            help="write a draft expectations file with one entry per finding of this run",
        )
        add(
            "--specs",
            type=Path,
            action="append",
            metavar="PATH",
            help="a spec file or folder, repeatable (default: the bundled specs)",
        )
        add(
            "--shard",
            metavar="K/N",
            help="run only the K-th of N shards of the selected cases (merge the results "
            "with 'asyncio-conformance merge')",
        )
        add(
            "--max-time",
            type=float,
            metavar="SECONDS",
            help="stop cleanly after SECONDS, writing every report from the cases finished "
            "(marked incomplete; exit 4 unless --allow-incomplete)",
        )
        add(
            "--allow-incomplete",
            action="store_true",
            help="a run stopped by --max-time passes or fails its gate on the cases it ran",
        )
        add(
            "--slow",
            action="store_true",
            help="also run the cases marked slow (each waits out a documented default, "
            "about a minute)",
        )
        add("-q", "--quiet", action="store_true", help="print only the summary and the findings")

    def run(self) -> int:
        from ..console import Progress, print_run, warn
        from ..runner import RunOptions, RunPlan, probe_loops, run

        args = self.args
        self._check_numbers()
        for path in args.expectations:
            if not Path(path).is_file():
                raise UsageError(Problem(path, None, None, "no such expectations file"))
        suite = suite_from(args.specs)
        self._check_sections()
        paths = self.report_paths()
        check_writable(
            [p for k, p in paths.items() if p is not None and k != "badge_dir"],
            [paths["badge_dir"]] if paths["badge_dir"] else [],
        )
        options = RunOptions(
            loops=args.loop or default_loops(),
            select=args.select,
            sections=args.section,
            jobs=args.jobs,
            timeout_multiplier=args.timeout_multiplier,
            repeat=args.repeat,
            debug_mode=args.debug_mode,
            expectations=args.expectations,
            default_expectations=not args.no_default_expectations,
            allow_xpass=args.allow_xpass,
            hygiene=args.hygiene,
            stdlib_baseline=not args.no_stdlib_baseline,
            stdlib_expectations=args.stdlib_expectations,
            shard=parse_shard(args.shard),
            max_time=args.max_time,
            allow_incomplete=args.allow_incomplete,
            slow=args.slow,
            full_timeouts=args.full_timeouts,
            argv=self.argv,
        )
        if args.max_time is not None and args.max_time <= 0:
            raise UsageError("--max-time: must be greater than 0")
        plan = RunPlan.build(suite, options)
        if args.max_time:  # the budget covers the start-up probes too
            plan.deadline = time.monotonic() + args.max_time
        if (args.select or args.section) and not plan.cases:
            raise UsageError("-k/--section: no case matches that selection")
        if args.write_expectations and len(plan.loops) != 1:
            raise UsageError(
                "--write-expectations: drafts one loop's file; give exactly one --loop"
            )
        for text in plan.warnings:
            warn(text)
        with stop_on_signals(plan):
            probe_loops(plan, report=warn)
        progress = Progress(args.quiet)

        def on_result(_adapter: object, result: CaseResult) -> None:
            progress.result(result)

        def on_loop_start(adapter: object, total: int) -> None:
            progress.start(adapter.name, total)  # type: ignore[attr-defined]

        def on_loop_done(entry: dict) -> None:
            progress.end()
            print_run(entry)

        with stop_on_signals(plan):
            results = run(
                plan,
                progress=on_result,
                on_loop_start=on_loop_start,
                on_loop_done=on_loop_done,
                note=progress.note,
            )
        save_reports(results, paths)
        if args.write_expectations:
            from ..drafts import write_draft_expectations

            written = write_draft_expectations(results, args.write_expectations)
            print(f"wrote {written} draft expectation entries to {args.write_expectations}")
        if plan.stop_reason:
            print(
                f"stopped early: {plan.stop_reason}; the reports hold the cases that finished "
                "(marked incomplete)",
                file=sys.stderr,
            )
            interrupted = not plan.stop_reason.startswith("--max-time")
            if interrupted or not args.allow_incomplete:
                return EXIT_INCOMPLETE
        failed = any(r["summary"]["gate"] == "fail" for r in results["runs"])
        # A loop the run never got to has passed nothing.
        failed = failed or bool(results.get("not_run"))
        return EXIT_GATE if failed else EXIT_OK

    def _check_numbers(self) -> None:
        args = self.args
        if args.repeat < 1:
            raise UsageError("--repeat: must be at least 1")
        if args.timeout_multiplier <= 0:
            raise UsageError("--timeout-multiplier: must be greater than 0")
        if args.jobs < 0:
            raise UsageError("--jobs: must be auto (or 0) or a number of workers")

    def _check_sections(self) -> None:
        from ..spec.inventory import load_inventory

        unknown = [s for s in self.args.section if s not in load_inventory().sections]
        if unknown:
            raise UsageError(f"--section: unknown section(s) {', '.join(unknown)}")

    def report_paths(self) -> dict[str, Optional[Path]]:
        args = self.args
        paths: dict[str, Optional[Path]] = {
            "json_path": args.json,
            "junit_path": args.junit,
            "html_path": args.html,
            "markdown_path": None,
            "badge_dir": None,
            "write_expectations": args.write_expectations,
        }
        if args.report_dir:
            d = args.report_dir
            paths["json_path"] = paths["json_path"] or d / "results.json"
            paths["junit_path"] = paths["junit_path"] or d / "junit.xml"
            paths["html_path"] = paths["html_path"] or d / "report.html"
            paths["markdown_path"] = d / "summary.md"
            paths["badge_dir"] = d / "badges"
        return paths


#: The signals that stop a run cleanly; a second one exits at once.
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)


@contextlib.contextmanager
def stop_on_signals(plan: object) -> Iterator[None]:
    """While the run runs: the first SIGTERM/SIGINT/SIGHUP stops it cleanly, the next at once.

    Stopping cleanly means the pool kills every worker's process group (the
    loop's children with them) and the run writes its reports from what it
    finished. A second signal does not wait for that.
    """
    from ..pool import kill_all_workers

    def on_signal(signum: int, _frame: object) -> None:
        name = signal.Signals(signum).name
        if getattr(plan, "stop_reason", None):
            kill_all_workers()
            os._exit(128 + signum)
        plan.stop(f"interrupted by {name}")  # type: ignore[attr-defined]

    previous = {sig: signal.signal(sig, on_signal) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def check_writable(files: list[Path], folders: list[Path]) -> None:
    """Fail before running anything when a report could not be written at the end.

    Creates the folders the reports need (as writing them would) and a
    throw-away file in each, so that an unwritable place is exit 2 in a
    second, not a traceback after the whole suite.
    """
    problems = []
    targets = [(path, path.parent) for path in files] + [(folder, folder) for folder in folders]
    for path, folder in targets:
        try:
            if path is not folder and path.is_dir():
                raise IsADirectoryError(f"{path} is a folder")
            folder.mkdir(parents=True, exist_ok=True)
            fd, scratch = tempfile.mkstemp(dir=folder, prefix=".asyncio-conformance-")
            os.close(fd)
            os.unlink(scratch)
        except OSError as exc:
            problems.append(Problem(str(path), None, None, f"cannot write a report here: {exc}"))
    if problems:
        raise UsageError(problems)


def save_reports(results: dict, paths: dict[str, Optional[Path]]) -> None:
    """Write the reports; if the JSON cannot be written after all, keep it somewhere that works.

    A run must never lose its results: whatever goes wrong at the end (a full
    disk, a folder removed during the run), the results JSON is written to
    the requested path or, failing that, to a temporary file whose name is
    printed, so ``report`` can render the rest from it later.
    """
    from ..reports import append_github_step_summary, write_reports, write_results_json

    report_paths = {k: v for k, v in paths.items() if k != "write_expectations"}
    try:
        if any(report_paths.values()):
            write_reports(results, **report_paths)
    except OSError as exc:
        fd, rescue = tempfile.mkstemp(prefix="asyncio-conformance-results-", suffix=".json")
        os.close(fd)
        write_results_json(results, rescue)
        print(
            f"error: writing the reports failed ({exc}); the results are saved in {rescue}",
            file=sys.stderr,
        )
        raise
    append_github_step_summary(results)
