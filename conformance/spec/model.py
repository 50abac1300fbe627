"""The in-memory form of the specs: clauses and the cases expanded from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

LEVELS = ("must", "compat", "impl-defined", "precondition")


@dataclass(frozen=True)
class Markers:
    """Where a case can run. These describe the platform, never the loop."""

    python: tuple[str, ...] = ()  # specifier sets; all must hold
    platforms: tuple[tuple[str, ...], ...] = ()  # each tuple: any of these
    requires: tuple[str, ...] = ()

    def merged(self, python: Optional[str], platforms: Any, requires: Any) -> Markers:
        return Markers(
            python=self.python + ((python,) if python else ()),
            platforms=self.platforms + ((tuple(platforms),) if platforms else ()),
            requires=self.requires + tuple(r for r in (requires or ()) if r not in self.requires),
        )

    def as_dict(self) -> dict:
        out: dict = {}
        if self.python:
            out["python"] = ",".join(self.python)
        if self.platforms:
            out["platforms"] = [list(p) for p in self.platforms]
        if self.requires:
            out["requires"] = list(self.requires)
        return out


@dataclass(frozen=True)
class Case:
    """One runnable check: a spec case, or one row of its parameter table.

    ``id`` is ``api/clause/case`` (``api/clause/case[row]`` for a table row):
    the stable name results, expectations files and ``repro`` use.
    """

    id: str
    api: str
    section: str
    clause: str  # "api/clause"
    level: str
    quote: tuple[str, ...]
    file: str
    line: int
    order: int
    code: str = ""
    code_line: int = 1
    mode: str = "async"
    params: dict = field(default_factory=dict)
    expect: dict = field(default_factory=dict)
    timeout: float = 10.0
    capture_handler: bool = True
    env: dict = field(default_factory=dict)
    markers: Markers = field(default_factory=Markers)
    resolution: Optional[dict] = None
    note: Optional[str] = None
    #: Why the case is slow (it waits out a documented default), or "": such a
    #: case runs only when asked for (run --slow).
    slow: str = ""
    #: Which documentation the quote cites ("3.7", the default, or "3.11").
    docs: str = "3.7"
    #: The case checks asyncio's own code, never the loop under test: it runs,
    #: but counts in no loop's score (see tests/test_loop_independence.py).
    loop_independent: bool = False

    @property
    def runnable(self) -> bool:
        """Precondition clauses are listed, never run: they bind the caller."""
        return self.level != "precondition"

    def listing(self) -> dict:
        """The ``list-specs --json`` object for this case."""
        out = {
            "id": self.id,
            "api": self.api,
            "clause": self.clause,
            "level": self.level,
            "section": self.section,
            "quote": " ".join(self.quote),
            "file": self.file,
            "line": self.line,
        }
        out.update(self.markers.as_dict())
        if self.loop_independent:
            out["loop_independent"] = True
        if self.docs != "3.7":
            out["docs"] = self.docs
        if self.slow:
            out["slow"] = self.slow
        if self.resolution:
            out["resolution"] = self.resolution
        return out

    def to_wire(self) -> dict:
        """A JSON-able form, for workers and reproducers."""
        return {
            "id": self.id,
            "api": self.api,
            "section": self.section,
            "clause": self.clause,
            "level": self.level,
            "quote": list(self.quote),
            "file": self.file,
            "line": self.line,
            "order": self.order,
            "code": self.code,
            "code_line": self.code_line,
            "mode": self.mode,
            "params": self.params,
            "expect": self.expect,
            "timeout": self.timeout,
            "capture_handler": self.capture_handler,
            "env": self.env,
        }


@dataclass
class Suite:
    """Every case of every spec file, in spec order."""

    cases: list[Case]
    files: list[str]
    #: Protocol state machines by name (specs/state-machines.yaml), shipped with every case.
    machines: dict = field(default_factory=dict)

    def wire(self, case: Case) -> dict:
        """The form a worker or reproducer runs: the case plus the machines it is watched by."""
        return dict(case.to_wire(), machines=self.machines)

    def by_id(self) -> dict[str, Case]:
        return {c.id: c for c in self.cases}

    def select(self, patterns: list[str] | None, sections: list[str] | None = None) -> list[Case]:
        """Cases whose id contains any of ``patterns`` and whose section is in ``sections``.

        Either filter is off when empty.
        """
        return [
            c
            for c in self.cases
            if (not patterns or any(p in c.id for p in patterns))
            and (not sections or c.section in sections)
        ]
