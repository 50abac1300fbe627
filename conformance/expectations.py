"""Expectations files: a loop's known deviations, so CI fails only on change.

This module loads and checks the files and finds the entry that matches a
case; conformance/verdict.py applies it (a failure an entry expects becomes
``xfail``; a pass an entry expected to fail becomes ``xpass``). Entries that
match no case at all are ``stale``: usually a renamed case, or a fix that
landed upstream. An entry with ``draft: true`` was written by
``expectations init`` and its reason has not yet been reviewed by a person.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

import jsonschema

from .errors import UsageError
from .spec.markers import parse_python_spec, skip_reason
from .spec.model import Markers
from .spec.yamlload import load_yaml

FAILING = ("fail", "error", "timeout", "crash")

SCHEMA = {
    "type": "object",
    "required": ["expectations"],
    "additionalProperties": False,
    "properties": {
        "loop": {"type": "string"},
        "description": {"type": "string"},
        "expectations": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["outcome", "reason"],
                "oneOf": [{"required": ["id"]}, {"required": ["ids"]}],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    # One entry for one cause seen in several cases (what
                    # `expectations init` writes for a finding).
                    "ids": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"type": "string", "minLength": 1},
                    },
                    "outcome": {
                        "oneOf": [
                            {"enum": list(FAILING)},
                            # "pass" in a list: a known intermittent failure (a race in
                            # the loop); passing is then not an unexpected pass.
                            {
                                "type": "array",
                                "minItems": 1,
                                "uniqueItems": True,
                                "items": {"enum": [*FAILING, "pass"]},
                                "contains": {"enum": list(FAILING)},
                            },
                        ]
                    },
                    "reason": {"type": "string", "minLength": 5},
                    # A regular expression the failure's message must contain:
                    # a case that fails some other way is not this deviation.
                    "match": {"type": "string", "minLength": 1},
                    "draft": {"type": "boolean"},
                    "issue": {"type": "string"},
                    "python": {"type": "string"},
                    "platforms": {
                        "type": "array",
                        "items": {"enum": ["linux", "macos", "unix", "windows"]},
                    },
                },
            },
        },
    },
}


@dataclass(frozen=True)
class Entry:
    patterns: tuple[str, ...]
    outcomes: tuple[str, ...]
    reason: str
    file: str
    line: int
    issue: Optional[str] = None
    markers: Markers = Markers()
    draft: bool = False
    #: From the stdlib's expectations, applied to a loop built on the stdlib.
    inherited: bool = False
    #: A regular expression the failure's message must contain, if given.
    match: Optional[str] = None

    def matches_failure(self, message: str) -> bool:
        return self.match is None or re.search(self.match, message) is not None

    @property
    def pattern(self) -> str:
        """The entry's id, or its ids joined, for messages."""
        return ", ".join(self.patterns)

    def applies_here(self) -> bool:
        return skip_reason(self.markers) is None

    def matches(self, case_id: str) -> bool:
        return any(_compile_pattern(p).fullmatch(case_id) for p in self.patterns)

    def describe(self) -> dict:
        out = {
            "outcome": list(self.outcomes),
            "reason": self.reason,
            "file": self.file,
            "line": self.line,
        }
        if self.issue:
            out["issue"] = self.issue
        if self.draft:
            out["draft"] = True
        if self.inherited:
            out["inherited"] = True
        return out


@functools.cache
def _compile_pattern(pattern: str) -> re.Pattern:
    """``*`` matches any run of characters and ``?`` one; everything else is literal.

    Not fnmatch: case ids contain ``[row]``, which fnmatch would read as a
    character class.
    """
    parts = [".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern]
    return re.compile("".join(parts), re.DOTALL)


@dataclass
class ExpectationFile:
    path: str
    loop: Optional[str]
    entries: list[Entry]

    def applies_to(self, loop_name: str) -> bool:
        return self.loop is None or self.loop == loop_name

    def inherited(self) -> ExpectationFile:
        """This file as a stdlib-based loop inherits it: for any loop name, entries marked."""
        return ExpectationFile(
            path=self.path,
            loop=None,
            entries=[dataclasses.replace(e, inherited=True) for e in self.entries],
        )


@functools.cache
def _validator() -> jsonschema.protocols.Validator:
    return jsonschema.Draft202012Validator(SCHEMA)


def load_expectations(path: Path | str, display: str | None = None) -> ExpectationFile:
    """Load and validate one file; ``display`` is how reports name it."""
    name = display or str(path)
    doc = load_yaml(Path(path), name)
    if not isinstance(doc.data, dict):
        raise UsageError(doc.problem((), "an expectations file is a mapping with 'expectations'"))
    problems = [
        doc.problem(
            tuple(e.absolute_path), f"{'/'.join(map(str, e.absolute_path)) or '<top>'}: {e.message}"
        )
        for e in _validator().iter_errors(doc.data)
    ]
    if problems:
        raise UsageError(problems)
    entries = []
    unconditional: dict[str, int] = {}  # id -> line of the first entry without conditions
    for i, raw in enumerate(doc.data["expectations"]):
        if "python" in raw:
            error = parse_python_spec(raw["python"])
            if error:
                raise UsageError(doc.problem(("expectations", i, "python"), error))
        if "match" in raw:
            try:
                re.compile(raw["match"])
            except re.error as exc:
                raise UsageError(
                    doc.problem(("expectations", i, "match"), f"not a regular expression: {exc}")
                ) from None
        # The first matching entry wins, so a repeat of an unconditional entry's
        # id can never apply: almost always a leftover from an edit, whose
        # reason or outcome the author believes is in force.
        patterns = tuple(raw["ids"]) if "ids" in raw else (raw["id"],)
        key = "ids" if "ids" in raw else "id"
        for pattern in patterns:
            earlier = unconditional.get(pattern)
            if earlier is not None:
                raise UsageError(
                    doc.problem(
                        ("expectations", i, key),
                        f"{pattern!r} can never apply: the entry at line {earlier} has the same "
                        "id and no python/platforms condition, and the first matching entry wins",
                    )
                )
        if "python" not in raw and "platforms" not in raw:
            for pattern in patterns:
                unconditional[pattern] = doc.where(("expectations", i))[0] or 1
        outcomes = raw["outcome"] if isinstance(raw["outcome"], list) else [raw["outcome"]]
        markers = Markers().merged(raw.get("python"), raw.get("platforms"), None)
        entries.append(
            Entry(
                patterns=patterns,
                outcomes=tuple(outcomes),
                reason=raw["reason"],
                file=name,
                line=doc.where(("expectations", i))[0] or 1,
                issue=raw.get("issue"),
                markers=markers,
                draft=bool(raw.get("draft")),
                match=raw.get("match"),
            )
        )
    return ExpectationFile(path=name, loop=doc.data.get("loop"), entries=entries)


class Matcher:
    """The entries that hold on this host for one loop, and which one matches a case."""

    def __init__(self, files: Iterable[ExpectationFile], loop_name: str) -> None:
        self.files = [f for f in files if f.applies_to(loop_name)]
        self.entries = [e for f in self.files for e in f.entries if e.applies_here()]
        # A case is looked up more than once (progress mark, results, findings)
        # against files of hundreds of globs, so remember the answer.
        self._entry_by_id: dict[str, Optional[Entry]] = {}

    def entry_for(self, case_id: str) -> Optional[Entry]:
        if case_id not in self._entry_by_id:
            self._entry_by_id[case_id] = next((e for e in self.entries if e.matches(case_id)), None)
        return self._entry_by_id[case_id]

    def only_for(self, case_ids: set[str], all_case_ids: Iterable[str]) -> list[dict]:
        """The loop's own entries that match some of ``case_ids`` and no other known case.

        For the cases a run skipped as not observable on this loop: those skip
        whatever an entry says (the loop's design decides it), so an entry that
        covers nothing else records a deviation that is not there. Entries
        inherited from the stdlib's file are not the loop author's to remove.
        """
        if not case_ids:
            return []
        covered: dict[int, tuple[Entry, list[str]]] = {}
        for case_id in sorted(all_case_ids):
            entry = self.entry_for(case_id)
            if entry is not None and not entry.inherited:
                covered.setdefault(id(entry), (entry, []))[1].append(case_id)
        return [
            {"file": entry.file, "line": entry.line, "cases": ids}
            for entry, ids in covered.values()
            if all(case_id in case_ids for case_id in ids)
        ]

    def stale(self, all_case_ids: Iterable[str]) -> list[dict]:
        """Every id of every entry that matches no known case."""
        ids = list(all_case_ids)
        return [
            {"id": pattern, "file": e.file, "line": e.line, "reason": e.reason}
            for e in self.entries
            if not e.inherited  # the stdlib's own file reports its stale entries
            for pattern in e.patterns
            if not any(_compile_pattern(pattern).fullmatch(i) for i in ids)
        ]
