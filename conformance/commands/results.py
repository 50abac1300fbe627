"""Commands that read saved results: report, diff, matrix; and the ambiguity register."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import EXIT_GATE, EXIT_OK, UsageError
from .base import Command, suite_from


def load_results_or_exit(path: Path) -> dict:
    """A results file, or UsageError (exit 2) naming what is wrong with it."""
    from ..reports import load_results

    try:
        return load_results(path)
    except (OSError, ValueError) as exc:
        raise UsageError(str(exc)) from None


class Report(Command):
    name = "report"
    help = "render reports from a saved results JSON"

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("results", type=Path)
        parser.add_argument("--html", type=Path)
        parser.add_argument("--junit", type=Path)
        parser.add_argument("--markdown", type=Path)
        parser.add_argument("--badges", type=Path, metavar="DIR")

    def run(self) -> int:
        from ..reports import write_reports

        results = load_results_or_exit(self.args.results)
        paths = {
            "junit_path": self.args.junit,
            "html_path": self.args.html,
            "markdown_path": self.args.markdown,
            "badge_dir": self.args.badges,
        }
        if not any(paths.values()):
            raise UsageError("report: name at least one of --html, --junit, --markdown, --badges")
        write_reports(results, **paths)
        return EXIT_OK


class Diff(Command):
    name = "diff"
    help = "compare two results files; exit 1 on a regression"

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("old", type=Path)
        parser.add_argument("new", type=Path)

    def run(self) -> int:
        from ..reports.diff import diff_results, render_diff

        report = diff_results(
            load_results_or_exit(self.args.old), load_results_or_exit(self.args.new)
        )
        print(render_diff(report))
        return EXIT_GATE if report.has_regressions else EXIT_OK


class MatrixCommand(Command):
    name = "matrix"
    help = "merge results files (one per Python) into the compatibility matrix"

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("results", nargs="+", type=Path)
        parser.add_argument(
            "--output-dir",
            type=Path,
            required=True,
            metavar="DIR",
            help="writes index.html, python-X.Y.html, findings/, matrix.json and matrix.md here",
        )
        parser.add_argument(
            "--readme",
            type=Path,
            metavar="PATH",
            help="also put the summary table between the matrix markers of this file",
        )

    def run(self) -> int:
        import os

        from ..reports._atomic import atomic_write_text
        from ..reports.html import write_html
        from ..reports.matrix import (
            compact_matrix,
            merge_results,
            replace_between_markers,
            write_matrix_json,
        )
        from ..reports.matrix_index import write_index
        from ..reports.matrix_site import (
            python_page,
            render_summary_markdown,
            runs_by_python,
            write_findings_pages,
        )

        try:
            matrix = merge_results(load_results_or_exit(p) for p in self.args.results)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        out = self.args.output_dir
        out.mkdir(parents=True, exist_ok=True)
        write_findings_pages(matrix, out)
        for python, document in runs_by_python(matrix).items():
            write_html(document, out / python_page(python), compact=True, clauses_only=True)
        write_matrix_json(compact_matrix(matrix), out / "matrix.json")
        atomic_write_text(
            out / "matrix.md", "# Compatibility matrix\n\n" + render_summary_markdown(matrix)
        )
        write_index(matrix, out / "index.html")
        (out / "matrix.html").unlink(missing_ok=True)  # the one-page matrix of earlier versions
        if self.args.readme:
            prefix = os.path.relpath(out, self.args.readme.resolve().parent) + "/"
            try:
                atomic_write_text(
                    self.args.readme,
                    replace_between_markers(
                        self.args.readme.read_text(), render_summary_markdown(matrix, prefix)
                    ),
                )
            except ValueError as exc:
                raise UsageError(f"{self.args.readme}: {exc}") from None
        print(render_summary_markdown(matrix, str(out) + "/"))
        return EXIT_OK


class Ambiguities(Command):
    name = "ambiguities"
    help = "write the ambiguity register (Markdown) from the specs"

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--output", type=Path, metavar="PATH", help="default: standard output")
        parser.add_argument("--specs", type=Path, action="append", metavar="PATH")

    def run(self) -> int:
        from ..reports.ambiguities import render_ambiguity_register

        suite = suite_from(self.args.specs)
        text = render_ambiguity_register(case.listing() for case in suite.cases)
        if self.args.output:
            self.args.output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return EXIT_OK
