"""The reference loop's links to the spec cannot rot.

Docstrings and comments in ``reference_loop/`` name the clauses they satisfy
as ``api/clause`` ids in double backquotes (for example
````loop.call_soon/fifo-order````), so a reader can go from a clause to its
implementation (grep the id) and back (look the id up in ``specs/``). These
tests check that:

* every id written that way exists in the specs, so renaming or removing a
  clause fails here until the code is updated;
* every public method of the loop, the server and the transports names at
  least one clause, or says why it has none ("No spec clause: ...").
"""

from __future__ import annotations

import asyncio
import inspect
import re
from pathlib import Path
from typing import Iterator, Tuple

import pytest

import reference_loop
from conformance.spec.load import load_suite
from reference_loop import handles, server, transports
from reference_loop.loop import ReferenceEventLoop

PACKAGE = Path(reference_loop.__file__).parent

#: ``api/clause`` in double backquotes. An api id is dotted and may hold hyphens
#: (``flow-control.watermarks``); a clause id is lower-case words and hyphens.
CLAUSE_LINK = re.compile(r"``([A-Za-z_][\w.-]*/[a-z0-9][a-z0-9-]*)``")
#: An id cut by a line break inside its backquotes would never be checked.
BROKEN_LINK = re.compile(r"``[A-Za-z_][\w.-]*/\s*$", re.MULTILINE)
NO_CLAUSE = "No spec clause:"


@pytest.fixture(scope="module")
def clause_ids() -> set:
    return {case.clause for case in load_suite().cases}


def _sources() -> list:
    return sorted(PACKAGE.rglob("*.py"))


def _matches(pattern: re.Pattern) -> Iterator[Tuple[str, re.Match]]:
    """Each match of ``pattern`` in the package's sources, with its ``path:line``."""
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            yield f"{path.relative_to(PACKAGE.parent)}:{line}", match


def _links() -> list:
    return [(where, match.group(1)) for where, match in _matches(CLAUSE_LINK)]


def test_the_specs_have_clauses(clause_ids: set) -> None:
    assert len(clause_ids) > 500
    assert "loop.call_soon/fifo-order" in clause_ids


def test_the_reference_loop_links_to_many_clauses() -> None:
    assert len({clause for _, clause in _links()}) > 300


def test_every_linked_clause_exists(clause_ids: set) -> None:
    unknown = [f"{where}: {clause}" for where, clause in _links() if clause not in clause_ids]
    assert not unknown, "clause ids that are not in specs/*.yaml:\n" + "\n".join(unknown)


def test_no_link_is_cut_by_a_line_break() -> None:
    broken = [f"{where}: {match.group(0)!r}" for where, match in _matches(BROKEN_LINK)]
    assert not broken, "clause ids split across lines:\n" + "\n".join(broken)


def _documented_classes() -> list:
    classes = [ReferenceEventLoop, server.Server]
    classes += [
        cls
        for name in transports.__all__
        if isinstance(cls := getattr(transports, name), type)
        and issubclass(cls, asyncio.BaseTransport)
    ]
    classes += [
        cls
        for cls in vars(handles).values()
        if isinstance(cls, type) and cls.__module__ == handles.__name__
    ]
    return classes


def _public_methods() -> list:
    """(qualified name, function) for each public method the reference loop defines."""
    seen = {}
    for cls in _documented_classes():
        for name in dir(cls):
            if name.startswith("_"):
                continue
            owner = next((k for k in cls.__mro__ if name in vars(k)), None)
            if owner is None or not owner.__module__.startswith("reference_loop"):
                continue
            attr = vars(owner)[name]
            if isinstance(attr, property):
                attr = attr.fget
            elif isinstance(attr, (staticmethod, classmethod)):
                attr = attr.__func__
            if callable(attr):
                seen[f"{owner.__module__}.{owner.__qualname__}.{name}"] = (owner, name, attr)
    return sorted(seen.items())


def _documentation(owner: type, name: str, attr: object) -> str:
    """The docstring; for a builtin stored on the class, the comment above it."""
    if not inspect.isbuiltin(attr):
        return inspect.getdoc(attr) or ""
    lines, _ = inspect.getsourcelines(owner)
    assignment = re.compile(rf"\s*{re.escape(name)}\s*=")
    for index, line in enumerate(lines):
        if assignment.match(line):
            comment = []
            while index > 0 and lines[index - 1].strip().startswith("#"):
                index -= 1
                comment.insert(0, lines[index].strip().lstrip("#"))
            return "\n".join(comment)
    return ""


def test_the_public_surface_is_found() -> None:
    names = {name.rsplit(".", 1)[1] for name, _ in _public_methods()}
    assert {"call_soon", "create_connection", "write", "pause_reading", "sendto"} <= names


@pytest.mark.parametrize(
    "name, found", _public_methods(), ids=[name for name, _ in _public_methods()]
)
def test_public_method_names_its_clauses(name: str, found: tuple) -> None:
    doc = _documentation(*found)
    assert CLAUSE_LINK.search(doc) or NO_CLAUSE in doc, (
        f"{name}: its docstring names no ``api/clause`` id from specs/ "
        f"(nor says '{NO_CLAUSE} <why>')"
    )
