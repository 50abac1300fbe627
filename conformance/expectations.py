"""Expectations files: a loop's known deviations, so CI fails only on change.

A run's raw outcomes are rewritten here: a failure an entry expects becomes
``xfail``; a pass an entry expected to fail becomes ``xpass``. Entries that
match no case at all are ``stale`` — usually a renamed case, or a fix that
landed upstream.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

import jsonschema

from .errors import Problem, UsageError
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
                "required": ["id", "outcome", "reason"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "minLength": 1},
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
    pattern: str
    outcomes: tuple[str, ...]
    reason: str
    file: str
    line: int
    issue: Optional[str] = None
    markers: Markers = Markers()

    def applies_here(self) -> bool:
        return skip_reason(self.markers) is None

    def matches(self, case_id: str) -> bool:
        return self._regex.fullmatch(case_id) is not None

    @property
    def _regex(self) -> re.Pattern:
        return _compile_pattern(self.pattern)

    def describe(self) -> dict:
        out = {
            "outcome": list(self.outcomes),
            "reason": self.reason,
            "file": self.file,
            "line": self.line,
        }
        if self.issue:
            out["issue"] = self.issue
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
        # The first matching entry wins, so a repeat of an unconditional entry's
        # id can never apply: almost always a leftover from an edit, whose
        # reason or outcome the author believes is in force.
        earlier = unconditional.get(raw["id"])
        if earlier is not None:
            raise UsageError(
                doc.problem(
                    ("expectations", i, "id"),
                    f"{raw['id']!r} can never apply: the entry at line {earlier} has the same "
                    "id and no python/platforms condition, and the first matching entry wins",
                )
            )
        if "python" not in raw and "platforms" not in raw:
            unconditional[raw["id"]] = doc.where(("expectations", i))[0] or 1
        outcomes = raw["outcome"] if isinstance(raw["outcome"], list) else [raw["outcome"]]
        markers = Markers().merged(raw.get("python"), raw.get("platforms"), None)
        entries.append(
            Entry(
                pattern=raw["id"],
                outcomes=tuple(outcomes),
                reason=raw["reason"],
                file=name,
                line=doc.where(("expectations", i))[0] or 1,
                issue=raw.get("issue"),
                markers=markers,
            )
        )
    return ExpectationFile(path=name, loop=doc.data.get("loop"), entries=entries)


class Matcher:
    """Applies the entries that hold on this host to one loop's results."""

    def __init__(self, files: Iterable[ExpectationFile], loop_name: str) -> None:
        self.files = [f for f in files if f.applies_to(loop_name)]
        self.entries = [e for f in self.files for e in f.entries if e.applies_here()]
        # A case is looked up twice (for the progress mark, then for the
        # results) against files of hundreds of globs, so remember the answer.
        self._entry_by_id: dict[str, Optional[Entry]] = {}

    def entry_for(self, case_id: str) -> Optional[Entry]:
        if case_id not in self._entry_by_id:
            self._entry_by_id[case_id] = next((e for e in self.entries if e.matches(case_id)), None)
        return self._entry_by_id[case_id]

    def apply(self, result: dict) -> dict:
        """Rewrite one case result (in place) according to the first matching entry."""
        entry = self.entry_for(result["id"])
        if entry is None or result["outcome"] == "skip":
            return result
        result["expected"] = entry.describe()
        outcome = result["outcome"]
        if outcome == "pass" and "pass" in entry.outcomes:
            result["message"] = f"passed this time; known to fail intermittently: {entry.reason}"
        elif outcome in entry.outcomes:
            result["outcome"] = "xfail"
            result["message"] = f"expected {outcome}: {entry.reason}" + (
                f" | {result['message']}" if result["message"] else ""
            )
        elif outcome == "pass":
            result["outcome"] = "xpass"
            result["message"] = (
                f"expected {'/'.join(entry.outcomes)} ({entry.reason}), but the case passed"
            )
        else:
            result["message"] = (
                f"expected {'/'.join(entry.outcomes)} ({entry.reason}), got "
                f"{outcome}: {result['message']}"
            )
        return result

    def stale(self, all_case_ids: Iterable[str]) -> list[dict]:
        ids = list(all_case_ids)
        return [
            {"id": e.pattern, "file": e.file, "line": e.line, "reason": e.reason}
            for e in self.entries
            if not any(e.matches(i) for i in ids)
        ]


def problem_for_missing(path: str) -> UsageError:
    return UsageError(Problem(path, None, None, "no such expectations file"))
