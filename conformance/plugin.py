"""The pytest plugin: run the specs as ordinary pytest items.

Inert unless ``--conformance-loop`` is given, because a ``pytest11`` plugin is
loaded by every pytest run in the environment. With it::

    pytest --conformance-loop uvloop -k call_soon -n 2

collects one item per spec case (node ids carry the stable case ids), runs
each in-process on a fresh loop through the same harness as
``asyncio-conformance run``, and decides its verdict with the same function
(conformance/verdict.py), the adapter's bundled expectations included, so the
two never disagree. Use the CLI when loops may hang or crash: it isolates
cases in killable workers.
"""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("asyncio-conformance")
    group.addoption(
        "--conformance-loop",
        metavar="LOOP",
        default=None,
        help="run the asyncio conformance specs against LOOP (an adapter name "
        "or package.module:factory)",
    )
    group.addoption(
        "--conformance-specs",
        metavar="PATH",
        default=None,
        help="spec file or folder (default: the bundled specs)",
    )
    group.addoption(
        "--conformance-expectations",
        metavar="FILE",
        action="append",
        default=[],
        help="expectations file: listed deviations become xfail",
    )
    group.addoption(
        "--conformance-no-default-expectations",
        action="store_true",
        help="do not apply the expectations bundled with the loop's adapter",
    )
    group.addoption("--conformance-timeout-multiplier", metavar="F", type=float, default=1.0)
    group.addoption(
        "--conformance-slow",
        action="store_true",
        help="also run the cases marked slow (run --slow)",
    )


def _active(config: pytest.Config) -> bool:
    return bool(config.getoption("conformance_loop", None))


class SpecFailure(Exception):
    """A case's failure, shown without a harness traceback."""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list
) -> None:
    if not _active(config):
        return
    from .errors import UsageError
    from .spec.load import load_suite

    specs = config.getoption("conformance_specs")
    try:
        suite = load_suite(Path(specs) if specs else None)
        state = _PluginState(config, suite)
    except UsageError as exc:
        raise pytest.UsageError(f"asyncio-conformance: {exc}") from None
    config.stash[_STATE] = state
    for file in suite.files:
        collector = SpecFile.from_parent(session, path=Path(file).resolve())
        items.extend(collector.collect())
    # Every case collects garbage several times (to surface never-retrieved
    # exceptions and unclosed objects while it is still the one judged). With
    # the whole session's objects tracked that costs more than the cases
    # themselves; freezing what exists now keeps it cheap, as workers do.
    gc.collect()
    gc.freeze()


class _PluginState:
    """The loop, its expectations and the harness settings, resolved once per session."""

    def __init__(self, config: pytest.Config, suite: Any) -> None:
        from .adapters import resolve_adapter
        from .errors import Problem, UsageError
        from .expectations import Matcher, load_expectations
        from .runner import (
            RunOptions,
            bundled_expectations,
            inherits_stdlib,
            stdlib_expectation_files,
        )
        from .runtime.harness import HarnessSettings
        from .runtime.peers import make_tls_pems
        from .warmup import missing_methods

        self.suite = suite
        self.adapter = resolve_adapter(config.getoption("conformance_loop"))
        self.adapter.run_setup()
        self.factory = self.adapter.load_factory()
        given = config.getoption("conformance_expectations")
        options = RunOptions(
            loops=[self.adapter.name],
            expectations=given,
            default_expectations=not config.getoption("conformance_no_default_expectations"),
        )
        files = bundled_expectations(self.adapter, options) + [load_expectations(p) for p in given]
        stdlib_based = False
        if self.adapter.host is None:
            loop = self.factory()
            stdlib_based = isinstance(loop, asyncio.BaseEventLoop)
            missing = missing_methods(loop)
            if not missing:
                loop.close()
            else:
                raise UsageError(
                    Problem(
                        "--conformance-loop",
                        None,
                        None,
                        f"{self.adapter.name}: the factory returned a {type(loop).__name__}, "
                        f"which is not an asyncio event loop: it has no {', '.join(missing)}",
                    )
                )
        if options.default_expectations and inherits_stdlib(self.adapter, stdlib_based, "auto"):
            files += [f.inherited() for f in stdlib_expectation_files()]
        self.matcher = Matcher(files, self.adapter.name)
        self.settings = HarnessSettings(
            multiplier=config.getoption("conformance_timeout_multiplier"),
            tls_pems=make_tls_pems(),
            loop_refs={"factory": self.adapter.factory, "setup": self.adapter.setup},
            machines=suite.machines,
            host=self.adapter.load_host(),
        )
        self.hygiene: list[tuple[str, str, str]] = []


_STATE = pytest.StashKey[_PluginState]()


class SpecFile(pytest.File):
    def collect(self) -> Iterator[SpecItem]:
        state = self.config.stash[_STATE]
        here = str(self.path)
        for case in state.suite.cases:
            if str(Path(case.file).resolve()) == here:
                yield SpecItem.from_parent(self, name=case.id, case=case)


class SpecItem(pytest.Item):
    def __init__(self, *, case: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        from .runtime.harness import run_case
        from .verdict import skip_reason, verdict

        state = self.config.stash[_STATE]
        reason = skip_reason(
            self.case, state.adapter, slow=self.config.getoption("--conformance-slow")
        )
        if reason:
            pytest.skip(reason)
        run = run_case(self.case.to_wire(), state.factory, state.settings)
        notes = dict(run.raw.hygiene)
        if run.leaks.fds:
            notes["fds"] = run.leaks.describe_fds()
        if run.leaks.children:
            notes["children"] = run.leaks.describe_children()
        state.hygiene.extend((self.case.id, kind, note) for kind, note in notes.items())
        result = verdict(
            self.case, [run.raw], state.matcher.entry_for(self.case.id), state.adapter.name
        )
        if result.outcome == "pass":
            return
        if result.outcome == "skip":
            pytest.skip(result.message)
        if result.outcome == "xfail":
            pytest.xfail(result.message)
        raise SpecFailure(self._explain(result))

    def _explain(self, result: Any) -> str:
        lines = [
            f"{result.outcome}: {result.message}",
            f"clause ({self.case.level}): {self.case.clause}",
            f"docs: {' '.join(self.case.quote)}",
        ]
        if result.details:
            for key in ("expected", "actual", "traceback"):
                text = getattr(result.details, key)
                if text:
                    lines.append(f"--- {key}:\n{text}")
        return "\n".join(lines)

    def repr_failure(self, excinfo: Any, style: Optional[str] = None) -> Any:
        if isinstance(excinfo.value, SpecFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple:
        return self.path, self.case.line - 1, self.case.id


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Hygiene notes, once per kind: reported apart from the verdicts, as in ``run``."""
    if not _active(config) or _STATE not in config.stash:
        return
    notes = config.stash[_STATE].hygiene
    if not notes:
        return
    terminalreporter.section("asyncio-conformance: left behind after cases (hygiene)")
    kinds: dict[str, list[tuple[str, str]]] = {}
    for case_id, kind, note in notes:
        kinds.setdefault(kind, []).append((case_id, note))
    for kind, seen in kinds.items():
        first_id, first_note = seen[0]
        terminalreporter.write_line(f"{kind}: {len(seen)} case(s); first {first_id}: {first_note}")
