"""The cases can fail: every deliberately broken loop of tests/broken/ fails the cases it must.

A case that passes on every loop proves nothing, so each module of tests/broken/ holds loops that
break one documented behaviour each, and tests/broken_loops.yaml says, for each loop, which cases
its run selects and which of them must fail. From that table this module checks that

* each broken loop fails its cases (``test_broken_loop_fails_its_cases``);
* where the table says so, nothing else of the selection fails (``test_nothing_else_fails``);
* each module's selections are clean on asyncio, so that the failures above come from the loops
  and not from the cases (``test_the_same_cases_pass_on_asyncio``).

The table is YAML rather than a Python literal: it is nothing but case ids and -k patterns,
copied from the specs, which are YAML too, and without code around them a hundred entries read as
one list instead of a hundred near-identical statements. It is loaded with the specs' own loader,
so a duplicate key is an error and every error names its line, and checked against
:data:`SCHEMA`, so that a misspelt key fails collection instead of quietly checking less.

Test ids name the loop as ``--loop`` does: to see a failing one by hand, run
``asyncio-conformance run --loop tests.broken.<module>:<factory>`` with the entry's selection.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conformance.errors import UsageError
from conformance.results import FAILING
from conformance.spec.yamlload import load_yaml

from .conftest import ROOT, outcomes

TABLE = Path(__file__).with_name("broken_loops.yaml")

#: Outcomes that still let a run on asyncio exit 0.
CLEAN_OUTCOMES = ("pass", "skip", "xfail")

_STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}
_UNIQUE_STRINGS = {**_STRINGS, "uniqueItems": True}

#: The shape of tests/broken_loops.yaml; its header comment says what each key means.
SCHEMA: dict[str, Any] = {
    "type": "object",
    "minProperties": 1,
    "additionalProperties": {
        "type": "object",
        "required": ["on_asyncio", "loops"],
        "additionalProperties": False,
        "properties": {
            "specs": _UNIQUE_STRINGS,
            "on_asyncio": {"enum": ["pass", "clean"]},
            "loops": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {
                    "type": "object",
                    "required": ["fail"],
                    "additionalProperties": False,
                    "properties": {
                        "select": _UNIQUE_STRINGS,
                        "fail": _UNIQUE_STRINGS,
                        "failing_outcomes": {**_UNIQUE_STRINGS, "items": {"enum": list(FAILING)}},
                        "nothing_else_fails": {"type": "boolean"},
                    },
                },
            },
        },
    },
}


@dataclass(frozen=True)
class BrokenLoop:
    """One loop of the table, and what its run must show."""

    module: str
    factory: str
    specs: tuple[str, ...]
    select: tuple[str, ...]
    fail: tuple[str, ...]
    failing_outcomes: tuple[str, ...]
    nothing_else_fails: bool

    @property
    def name(self) -> str:
        """``<module>:<factory>``: the test id, and the tail of the ``--loop`` argument."""
        return f"{self.module}:{self.factory}"

    @property
    def loop(self) -> str:
        return f"tests.broken.{self.name}"

    @property
    def args(self) -> list[str]:
        return selection_args(self.specs, self.select)


@dataclass(frozen=True)
class BrokenModule:
    """One module of tests/broken/: its loops, and how strictly asyncio must pass their cases."""

    name: str
    specs: tuple[str, ...]
    on_asyncio: str
    loops: tuple[BrokenLoop, ...]

    @property
    def args(self) -> list[str]:
        """Every loop's selection at once: one asyncio run a module, not one a loop."""
        patterns = sorted({pattern for loop in self.loops for pattern in loop.select})
        return selection_args(self.specs, patterns)

    @property
    def fail(self) -> set[str]:
        return {case_id for loop in self.loops for case_id in loop.fail}


def load_table(path: Path = TABLE) -> list[BrokenModule]:
    """Read and check the table; a problem raises UsageError naming ``file:line:col``."""
    doc = load_yaml(path, str(path.relative_to(ROOT)))
    problems = [
        doc.problem(tuple(error.absolute_path), f"{_where(error)}: {error.message}")
        for error in jsonschema.Draft202012Validator(SCHEMA).iter_errors(doc.data)
    ]
    if problems:
        raise UsageError(problems)
    return [_module(name, entry) for name, entry in doc.data.items()]


def _where(error: jsonschema.ValidationError) -> str:
    return "/".join(map(str, error.absolute_path)) or "<top>"


def _module(name: str, entry: dict[str, Any]) -> BrokenModule:
    specs = tuple(entry.get("specs", ()))
    loops = tuple(
        BrokenLoop(
            module=name,
            factory=factory,
            specs=specs,
            select=tuple(loop.get("select", loop["fail"])),
            fail=tuple(loop["fail"]),
            failing_outcomes=tuple(loop.get("failing_outcomes", ("fail",))),
            nothing_else_fails=loop.get("nothing_else_fails", False),
        )
        for factory, loop in entry["loops"].items()
    )
    return BrokenModule(name=name, specs=specs, on_asyncio=entry["on_asyncio"], loops=loops)


def selection_args(specs: tuple[str, ...], patterns: list[str] | tuple[str, ...]) -> list[str]:
    """``--specs`` for each spec file (none: the whole suite), ``-k`` for each pattern."""
    args: list[str] = []
    for spec in specs:
        args += ["--specs", spec]
    for pattern in patterns:
        args += ["-k", pattern]
    return args


MODULES = load_table()
LOOPS = [loop for module in MODULES for loop in module.loops]
by_name = attrgetter("name")


@pytest.mark.parametrize("broken", LOOPS, ids=by_name)
def test_broken_loop_fails_its_cases(conformance_run, broken: BrokenLoop) -> None:
    """Its cases fail, after expectations, and so the gate fails too."""
    code, results = conformance_run(broken.loop, *broken.args)
    seen = outcomes(results)
    not_failing = {
        case_id: seen.get(case_id)
        for case_id in broken.fail
        if seen.get(case_id) not in broken.failing_outcomes
    }
    assert not not_failing, f"expected {'/'.join(broken.failing_outcomes)}"
    assert code == 1


@pytest.mark.parametrize("broken", [loop for loop in LOOPS if loop.nothing_else_fails], ids=by_name)
def test_nothing_else_fails(conformance_run, broken: BrokenLoop) -> None:
    """The loop breaks one thing, where the selection can show it: one case per method, say."""
    _, results = conformance_run(broken.loop, *broken.args)
    failed = {case_id for case_id, outcome in outcomes(results).items() if outcome == "fail"}
    assert failed == set(broken.fail)


@pytest.mark.parametrize("module", MODULES, ids=by_name)
def test_the_same_cases_pass_on_asyncio(conformance_run, module: BrokenModule) -> None:
    """The cases are sound: on asyncio they run, and pass (or at least pass the gate)."""
    code, results = conformance_run("asyncio", *module.args)
    seen = outcomes(results)
    not_run = module.fail - seen.keys()
    assert not not_run
    if module.on_asyncio == "pass":
        not_passed = {case_id: seen[case_id] for case_id in module.fail if seen[case_id] != "pass"}
        assert not not_passed
    assert code == 0, {case_id: o for case_id, o in seen.items() if o not in CLEAN_OUTCOMES}
