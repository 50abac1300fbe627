"""The sentence audit: every sentence of the docs, mapped to the clauses that check it.

A clause quotes the docs, but that alone does not show that *every* normative
sentence of a section is checked, nor how well. The audit does: for each
inventory section, ``specs/coverage/<section>.yaml`` names the part of
``asyncio-docs.txt`` the section covers (line ranges; a range marked
``docs: "3.11"`` is of ``asyncio-docs-3.11.txt``, for what the newer docs add)
and lists every sentence found there, each with a status:

- ``covered``: the listed clauses check what the sentence says, strongly
  enough that a loop breaking it fails a case;
- ``weak``: clauses exist but would let a wrong loop pass (``why`` says how);
- ``missing``: normative, not checked yet (``why`` says why or what is needed);
- ``not-observable``: normative, but no case can observe it from outside the
  loop (``why`` says why);
- ``informative``: not a statement about what a loop does (advice to
  application developers, an example, a cross-reference, history).

Sentences are cut from the text by :func:`sentences` so that the list can be
checked mechanically: a sentence of the range that is not listed, a listed
one that is not in the range, or a clause id that does not exist is an error
(``asyncio-conformance audit`` exits 2; a test fails). ``audit --draft SECTION``
prints a skeleton for a section that has no file yet.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from .errors import Problem, UsageError
from .paths import reference_dir, specs_dir
from .spec.inventory import DEFAULT_DOCS, DOCS_TEXTS, docs_text_lines
from .spec.model import Suite
from .spec.yamlload import load_yaml

STATUSES = ("covered", "weak", "missing", "not-observable", "informative")
#: Statuses that need a ``why``.
NEEDS_WHY = ("weak", "missing", "not-observable", "informative")
#: Statuses that need clauses.
NEEDS_CLAUSES = ("covered", "weak")

#: Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|vs|cf|Mr|Dr|No)\.$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`*\[(\"'])")
#: Page furniture of the PDF the text came from.
_FURNITURE = ("(continues on next page)", "(continued from previous page)")


@dataclass(frozen=True)
class Sentence:
    text: str
    line: int  # 1-based line of asyncio-docs.txt where its paragraph starts


def _paragraphs(lines: list[str], start: int, end: int) -> Iterable[tuple[int, str]]:
    """(first line, text) of each prose paragraph in lines[start..end] (1-based, inclusive)."""
    in_code = False
    block: list[str] = []
    block_start = start

    def flush() -> Iterable[tuple[int, str]]:
        if block:
            yield block_start, " ".join(part.strip() for part in block)

    for number in range(start, end + 1):
        line = lines[number - 1]
        stripped = line.strip()
        if stripped.startswith("```"):
            yield from flush()
            block = []
            in_code = not in_code
            continue
        if in_code or stripped in _FURNITURE:
            continue
        if not stripped or stripped.startswith("- "):
            yield from flush()
            block = [stripped] if stripped else []
            block_start = number
            continue
        if not block:
            block_start = number
        block.append(stripped)
    yield from flush()


def _is_prose(paragraph: str) -> bool:
    """Headings, signatures and table rows are not sentences."""
    if "\t" in paragraph:
        return False  # an API-index table row
    words = paragraph.split()
    return bool(words) and (paragraph.rstrip()[-1:] in ".!?:" or len(words) >= 12)


def split_sentences(paragraph: str) -> list[str]:
    parts = _SENTENCE_END.split(paragraph.removeprefix("- ").strip())
    merged: list[str] = []
    for part in parts:
        if merged and _ABBREVIATIONS.search(merged[-1]):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return [m.strip() for m in merged if m.strip()]


def sentences(ranges: list[tuple[int, int]], lines: Optional[list[str]] = None) -> list[Sentence]:
    """Every sentence of the docs in the given line ranges, in order."""
    lines = lines if lines is not None else docs_text_lines()
    found: list[Sentence] = []
    for start, end in ranges:
        for first, paragraph in _paragraphs(lines, start, end):
            if _is_prose(paragraph):
                found.extend(Sentence(text, first) for text in split_sentences(paragraph))
    return found


@dataclass
class Entry:
    text: str
    status: str
    clauses: list[str]
    why: str
    line: int  # where the entry is in the coverage file


@dataclass
class SectionAudit:
    section: str
    file: str
    ranges: list[tuple[int, int]]
    entries: list[Entry]
    problems: list[Problem] = field(default_factory=list)

    def counts(self) -> Counter:
        return Counter(e.status for e in self.entries)


def coverage_dir() -> Path:
    return specs_dir() / "coverage"


def load_section(path: Path, suite: Suite) -> SectionAudit:
    """Load one coverage file and check it against the docs and the specs."""
    doc = load_yaml(path, str(path))
    data = doc.data if isinstance(doc.data, dict) else {}
    section = str(data.get("section", path.stem))
    ranges = [(int(r["from"]), int(r["to"])) for r in data.get("docs") or []]
    audit = SectionAudit(section, str(path), ranges, [])
    # A range cites asyncio-docs.txt unless it says ``docs: "3.11"`` (the
    # sentences that text adds, as a clause's ``docs`` does).
    expected: Counter = Counter()
    for i, r in enumerate(data.get("docs") or []):
        version = str(r.get("docs", DEFAULT_DOCS))
        if version not in DOCS_TEXTS:
            audit.problems.append(
                doc.problem(("docs", i), f"docs must be one of {sorted(DOCS_TEXTS)}")
            )
            continue
        text = DOCS_TEXTS[version]
        lines = docs_text_lines(reference_dir() / text)
        heading = r.get("heading")
        if heading and lines[int(r["from"]) - 1].strip() != heading:
            audit.problems.append(
                doc.problem(
                    ("docs", i), f"line {r['from']} of {text} is not the heading {heading!r}"
                )
            )
        expected.update(s.text for s in sentences([(int(r["from"]), int(r["to"]))], lines))
    clauses = {c.clause for c in suite.cases}
    for i, raw in enumerate(data.get("sentences") or []):
        at = ("sentences", i)
        entry = Entry(
            text=str(raw.get("text", "")),
            status=str(raw.get("status", "")),
            clauses=list(raw.get("clauses") or []),
            why=str(raw.get("why") or ""),
            line=doc.where(at)[0] or 1,
        )
        audit.entries.append(entry)
        if entry.status not in STATUSES:
            audit.problems.append(doc.problem(at, f"status must be one of {', '.join(STATUSES)}"))
        if entry.status in NEEDS_WHY and not entry.why:
            audit.problems.append(doc.problem(at, f"a {entry.status} sentence needs a why"))
        if entry.status in NEEDS_CLAUSES and not entry.clauses:
            audit.problems.append(doc.problem(at, f"a {entry.status} sentence needs clauses"))
        for clause in entry.clauses:
            if clause not in clauses:
                audit.problems.append(doc.problem(at, f"no clause {clause!r} in the specs"))
    listed = Counter(e.text for e in audit.entries)
    for text in expected - listed:
        audit.problems.append(
            Problem(str(path), None, None, f"sentence of the docs not in the audit: {text!r}")
        )
    for entry in audit.entries:
        if listed[entry.text] > expected.get(entry.text, 0):
            audit.problems.append(
                Problem(
                    str(path),
                    entry.line,
                    None,
                    f"not a sentence of the section's docs (or listed too often): "
                    f"{entry.text[:100]!r}",
                )
            )
            listed[entry.text] -= 1
    return audit


def load_audit(suite: Suite, folder: Optional[Path] = None) -> list[SectionAudit]:
    folder = folder or coverage_dir()
    return [load_section(path, suite) for path in sorted(folder.glob("*.yaml"))]


def check_audit(audits: list[SectionAudit]) -> None:
    problems = [p for audit in audits for p in audit.problems]
    if problems:
        raise UsageError(problems)


def render_report(audits: list[SectionAudit], sections: Iterable[str]) -> str:
    """Markdown: per section, how many sentences are covered, weak, missing..."""
    by_section = {a.section: a for a in audits}
    header = "| section | " + " | ".join(STATUSES) + " | normative |"
    rows = [header, "|" + " --- |" * (len(STATUSES) + 2)]
    totals: Counter = Counter()
    for section in sections:
        audit = by_section.get(section)
        if audit is None:
            rows.append(f"| {section} | " + " | ".join("–" for _ in STATUSES) + " | not audited |")
            continue
        counts = audit.counts()
        totals.update(counts)
        normative = sum(counts[s] for s in STATUSES if s != "informative")
        rows.append(
            f"| {section} | " + " | ".join(str(counts[s]) for s in STATUSES) + f" | {normative} |"
        )
    normative = sum(totals[s] for s in STATUSES if s != "informative")
    rows.append("| **all** | " + " | ".join(str(totals[s]) for s in STATUSES) + f" | {normative} |")
    lines = ["# Sentence audit", "", _LEGEND, "", *rows, ""]
    for audit in audits:
        open_items = [e for e in audit.entries if e.status in ("weak", "missing", "not-observable")]
        if open_items:
            lines += [f"## {audit.section}", ""]
            lines += [f"- **{e.status}**: {e.text} ({e.why})" for e in open_items]
            lines.append("")
    return "\n".join(lines)


_LEGEND = (
    "Every sentence of the docs, per section (`specs/coverage/<section>.yaml`), with what "
    "checks it. covered: a clause's cases fail a loop that breaks it (or, on a loop whose "
    "design gives them nothing to watch, say so: a skip 'not observable on this loop', never a "
    "pass); weak: checked, but a "
    "wrong loop could pass; missing: not checked yet; not-observable: no case can see it from "
    "outside the loop; informative: not about what a loop does. Generated by "
    "`asyncio-conformance audit --report`."
)


def draft(section: str, ranges: list[tuple[int, int]]) -> str:
    """A skeleton coverage file: every sentence of the ranges, status to fill in."""
    lines = [
        f"section: {section}",
        "docs:",
        *[f"  - {{from: {a}, to: {b}}}" for a, b in ranges],
        "sentences:",
    ]
    for sentence in sentences(ranges):
        text = sentence.text.replace("\\", "\\\\").replace('"', '\\"')
        lines += [f'  - text: "{text}"', "    status: missing", "    why: not yet audited"]
    return "\n".join(lines) + "\n"
