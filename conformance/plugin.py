"""The pytest plugin: run the specs as ordinary pytest items.

Inert unless ``--conformance-loop`` is given, because a ``pytest11`` plugin is
loaded by every pytest run in the environment. With it::

    pytest --conformance-loop uvloop -k call_soon -n 2

collects one item per spec case (node ids carry the stable case ids), runs
each in-process on a fresh loop through the same harness as
``asyncio-conformance run``, and maps outcomes onto pytest's. Use the CLI when
loops may hang or crash: it isolates cases in killable workers.
"""

from __future__ import annotations

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
    group.addoption("--conformance-timeout-multiplier", metavar="F", type=float, default=1.0)


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


class _PluginState:
    def __init__(self, config: pytest.Config, suite: Any) -> None:
        from .adapters import resolve_adapter
        from .expectations import Matcher, load_expectations
        from .runtime.peers import make_tls_pems

        self.suite = suite
        self.adapter = resolve_adapter(config.getoption("conformance_loop"))
        self.adapter.run_setup()
        self.factory = self.adapter.load_factory()
        files = [load_expectations(p) for p in config.getoption("conformance_expectations")]
        self.matcher = Matcher(files, self.adapter.name)
        self.multiplier = config.getoption("conformance_timeout_multiplier")
        self.tls_pems = make_tls_pems()


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
        from .spec.markers import skip_reason

        state = self.config.stash[_STATE]
        if not self.case.runnable:
            pytest.skip("precondition: an obligation on the caller, not tested")
        reason = skip_reason(self.case.markers)
        if reason:
            pytest.skip(reason)
        result = run_case(
            state.suite.wire(self.case),
            state.factory,
            multiplier=state.multiplier,
            tls_pems=state.tls_pems,
            loop_refs={"factory": state.adapter.factory, "setup": state.adapter.setup},
        )
        entry = state.matcher.entry_for(self.case.id)
        failed = result["outcome"] != "pass"
        if entry is not None and entry.applies_here():
            if failed:
                pytest.xfail(entry.reason)
            raise SpecFailure(
                f"expected {'/'.join(entry.outcomes)} ({entry.reason}), but the case passed"
            )
        if failed:
            raise SpecFailure(self._explain(result))

    def _explain(self, result: dict) -> str:
        lines = [
            f"{result['outcome']}: {result['message']}",
            f"clause ({self.case.level}): {self.case.clause}",
            f"docs: {' '.join(self.case.quote)}",
        ]
        details = result.get("details") or {}
        for key in ("expected", "actual", "traceback"):
            if details.get(key):
                lines.append(f"--- {key}:\n{details[key]}")
        return "\n".join(lines)

    def repr_failure(self, excinfo: Any, style: Optional[str] = None) -> Any:
        if isinstance(excinfo.value, SpecFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple:
        return self.path, self.case.line - 1, self.case.id
