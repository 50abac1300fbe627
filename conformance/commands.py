"""One function per CLI subcommand; each returns the exit code."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .cli import EXIT_GATE, EXIT_OK, _default_loops
from .errors import Problem, UsageError
from .spec.load import load_suite


def _suite(path: Path | None):
    return load_suite(path)


def cmd_validate_specs(args: argparse.Namespace, argv: list[str]) -> int:
    from .coverage import coverage

    suite = _suite(args.path)
    report = coverage(suite)
    print(f"{len(suite.files)} spec files, {len(suite.cases)} cases: valid")
    print(f"inventory coverage: {report.covered}/{report.total} ids")
    if report.missing:
        for section, apis in report.missing_by_section().items():
            print(
                f"  {section}: {len(apis)} not yet specified ({', '.join(apis[:4])}"
                f"{', ...' if len(apis) > 4 else ''})"
            )
        if args.require_complete:
            raise UsageError(
                Problem("specs", None, None, f"{len(report.missing)} inventory ids have no spec")
            )
    return EXIT_OK


def cmd_list_specs(args: argparse.Namespace, argv: list[str]) -> int:
    suite = _suite(args.specs)
    for case in suite.select(args.select, args.section):
        if args.json:
            print(json.dumps(case.listing()))
        else:
            print(f"{case.id}  [{case.level}]")
    return EXIT_OK


def cmd_list_loops(args: argparse.Namespace, argv: list[str]) -> int:
    from .adapters import available_adapters

    adapters = available_adapters()
    if args.json:
        for name, adapter in adapters.items():
            described = adapter.describe() if adapter else {}
            print(json.dumps({"name": name, "available": adapter is not None, **described}))
        return EXIT_OK
    rows = [
        (name, adapter.version, adapter.factory, adapter.description)
        if adapter is not None
        else (name, "", "(not available here)", "")
        for name, adapter in adapters.items()
    ]
    widths = [max((len(str(row[i])) for row in rows), default=0) for i in range(3)]
    for row in rows:
        cells = [str(cell).ljust(width) for cell, width in zip(row, widths)]
        print("  ".join([*cells, str(row[3])]).rstrip())
    return EXIT_OK


def _report_paths(args: argparse.Namespace) -> dict:
    paths = {
        "json_path": args.json,
        "junit_path": args.junit,
        "html_path": args.html,
        "markdown_path": None,
        "badge_dir": None,
    }
    if args.report_dir:
        d = args.report_dir
        paths["json_path"] = paths["json_path"] or d / "results.json"
        paths["junit_path"] = paths["junit_path"] or d / "junit.xml"
        paths["html_path"] = paths["html_path"] or d / "report.html"
        paths["markdown_path"] = d / "summary.md"
        paths["badge_dir"] = d / "badges"
    return paths


def _write_reports(results: dict, **paths) -> None:
    """The JSON (the source of truth) and whatever is rendered from it, each written atomically."""
    from .reports import append_github_step_summary, write_reports

    if any(paths.values()):
        write_reports(results, **paths)
    append_github_step_summary(results)


def cmd_run(args: argparse.Namespace, argv: list[str]) -> int:
    from .console import Progress, print_run
    from .runner import RunOptions, run

    if args.repeat < 1:
        raise UsageError("--repeat: must be at least 1")
    if args.timeout_multiplier <= 0:
        raise UsageError("--timeout-multiplier: must be greater than 0")
    if args.jobs < 0:
        raise UsageError("--jobs: must be 0 (one per core) or more")
    for path in args.expectations:
        if not Path(path).is_file():
            raise UsageError(Problem(path, None, None, "no such expectations file"))
    loops = args.loop or _default_loops()
    options = RunOptions(
        loops=loops,
        select=args.select,
        jobs=args.jobs,
        timeout_multiplier=args.timeout_multiplier,
        repeat=args.repeat,
        debug_mode=args.debug_mode,
        expectations=args.expectations,
        default_expectations=not args.no_default_expectations,
        allow_xpass=args.allow_xpass,
        argv=argv,
        sections=args.section,
    )
    suite = _suite(args.specs)
    from .spec.inventory import load_inventory

    unknown = [s for s in args.section if s not in load_inventory().sections]
    if unknown:
        raise UsageError(f"--section: unknown section(s) {', '.join(unknown)}")
    if (args.select or args.section) and not suite.select(args.select, args.section):
        raise UsageError("-k/--section: no case matches that selection")
    progress = Progress(args.quiet)
    selected = len(suite.select(args.select, args.section))
    started: set = set()

    def on_result(adapter, result: dict) -> None:
        if adapter.name not in started:
            started.add(adapter.name)
            progress.start(adapter.name, selected)
        progress.result(result)

    def on_loop_done(entry: dict) -> None:
        if entry["loop"]["name"] not in started:
            progress.start(entry["loop"]["name"], selected)
        progress.end()
        print_run(entry)

    results = run(suite, options, progress=on_result, on_loop_done=on_loop_done)
    _write_reports(results, **_report_paths(args))
    failed = any(r["summary"]["gate"] == "fail" for r in results["runs"])
    return EXIT_GATE if failed else EXIT_OK


def _load_results(path: Path) -> dict:
    from .reports import load_results

    try:
        return load_results(path)
    except (OSError, ValueError) as exc:
        raise UsageError(str(exc)) from None


def cmd_report(args: argparse.Namespace, argv: list[str]) -> int:
    from .reports import write_reports

    results = _load_results(args.results)
    paths = {
        "junit_path": args.junit,
        "html_path": args.html,
        "markdown_path": args.markdown,
        "badge_dir": args.badges,
    }
    if not any(paths.values()):
        raise UsageError("report: name at least one of --html, --junit, --markdown, --badges")
    write_reports(results, **paths)
    return EXIT_OK


def cmd_ambiguities(args: argparse.Namespace, argv: list[str]) -> int:
    from .reports.ambiguities import render_ambiguity_register

    suite = _suite(args.specs)
    text = render_ambiguity_register(case.listing() for case in suite.cases)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_diff(args: argparse.Namespace, argv: list[str]) -> int:
    from .reports.diff import diff_results, render_diff

    report = diff_results(_load_results(args.old), _load_results(args.new))
    print(render_diff(report))
    return EXIT_GATE if report.has_regressions else EXIT_OK


def cmd_repro(args: argparse.Namespace, argv: list[str]) -> int:
    from .adapters import resolve_adapter
    from .repro import reproducer

    suite = _suite(args.specs)
    case = suite.by_id().get(args.case_id)
    if case is None:
        raise UsageError(f"unknown case id {args.case_id!r} (see list-specs)")
    if not case.runnable:
        raise UsageError(f"{case.id} is a precondition clause: it has nothing to run")
    adapter = resolve_adapter(args.loop)
    sys.stdout.write(
        reproducer(case, adapter, args.timeout_multiplier, args.debug_mode, wire=suite.wire(case))
    )
    return EXIT_OK


def cmd_matrix(args: argparse.Namespace, argv: list[str]) -> int:
    from .reports._atomic import atomic_write_text
    from .reports.html import write_html
    from .reports.matrix import (
        compact_matrix,
        merge_results,
        render_matrix_markdown,
        replace_between_markers,
        write_matrix_json,
    )

    try:
        matrix = merge_results(_load_results(p) for p in args.results)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    out = args.output_dir
    out.mkdir(parents=True, exist_ok=True)
    write_matrix_json(compact_matrix(matrix), out / "matrix.json")
    write_html(matrix, out / "matrix.html", compact=True)
    page = render_matrix_markdown(matrix, html_link="matrix.html")
    atomic_write_text(out / "matrix.md", "# Compatibility matrix\n\n" + page)
    table = render_matrix_markdown(matrix)
    if args.readme:
        try:
            atomic_write_text(args.readme, replace_between_markers(args.readme.read_text(), table))
        except ValueError as exc:
            raise UsageError(f"{args.readme}: {exc}") from None
    print(table)
    return EXIT_OK
