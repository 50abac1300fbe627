"""Findings: a run's failures grouped by root cause, the most important first.

Cases are the unit of the gate and of expectations ids; a loop author wants
the list of things to fix. One missing method fails every case that calls
it, one illegal callback fails every case with a transport of that kind, one
leak shows after every case. So failures are grouped by what the harness
knows of their cause (:attr:`RawResult.kind` and :attr:`RawResult.cause`):

- an exception the loop raised groups by its type, message and the function
  that raised it, across clauses;
- a protocol-machine violation, an unexpected exception-handler call, error
  log or warning groups by its text;
- a timeout or a crash groups by the API of the case;
- a failed assertion of the case itself groups by clause: its text carries
  the case's own values and says nothing shared with other clauses; unless
  the case named a cause (``CaseFailure(cause=...)``), or only the rows of one
  transport kind fail (the TLS rows of many clauses, say), which is then the
  cause.

Every text is normalised first (numbers, addresses, object ids, protocol
labels), so that the same cause in two cases has the same key.

Ordering puts first what most needs a person: unexpected findings before
recorded ones, the loop's own before those the stdlib shares, ``must`` before
``compat`` before hygiene, then the most cases.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .results import FAILING, CaseResult, severity

#: How findings rank by level (lower first).
_LEVEL_RANK = {"must": 0, "compat": 1, "hygiene": 2}
#: Kinds grouped by their cause text rather than by clause.
_CAUSE_KINDS = ("exception", "protocol", "handler", "log", "warning")

_NORMALISERS = (
    (re.compile(r"\(after start(?: -> \w+)*\)"), "(after ...)"),
    (re.compile(r"^[\w.]+ #\d+: (?=state machine)"), ""),
    (re.compile(r"0x[0-9a-fA-F]+"), "0x?"),
    (re.compile(r"(?<![\w.])\d+(?:\.\d+)?"), "N"),
    (re.compile(r"/tmp/[^\s'\"),]+"), "/tmp/..."),
)


def normalise(text: str) -> str:
    """The text with what differs between two cases of the same cause taken out."""
    text = text.strip().splitlines()[0] if text.strip() else ""
    for pattern, replacement in _NORMALISERS:
        text = pattern.sub(replacement, text)
    return text[:300]


def group_key(result: CaseResult) -> tuple[str, str]:
    """The key that puts two failing cases into the same finding."""
    if result.level == "hygiene":
        return ("hygiene", result.id)
    outcome = result.raw_outcome or result.outcome
    if outcome == "timeout":
        return ("timeout", result.api)
    if outcome == "crash":
        return ("crash", f"{result.api}: {normalise(result.message)}")
    if outcome == "error":
        return ("error", normalise(result.message))
    if result.cause and (result.kind in _CAUSE_KINDS or result.kind == "assertion"):
        # An assertion with a cause: the case named what it shares with others.
        return ("exception" if result.kind == "exception" else result.kind, normalise(result.cause))
    return ("clause", result.clause)


@dataclass
class Finding:
    """One root cause: the cases it shows in, one reproducer, the doc quote."""

    id: str
    kind: str
    title: str
    level: str
    clause: str
    quote: str
    cases: list[str]
    #: clause -> how many of this finding's cases are in it
    clauses: dict[str, int]
    outcomes: dict[str, int]
    #: cases an expectations entry records (xfail)
    known: int
    message: str
    repro: str
    #: of the cases whose stdlib outcome is known, how many fail on the stdlib too
    stdlib_fails: int = 0
    stdlib_known: int = 0
    hygiene: bool = False
    first_order: int = 0
    reasons: list[str] = field(default_factory=list)
    #: For a hygiene finding: the cases after which it was seen.
    seen_in: list[str] = field(default_factory=list)

    @property
    def unexpected(self) -> int:
        return len(self.cases) - self.known

    @property
    def stdlib_shares(self) -> bool:
        """True when every case with a known stdlib outcome fails on the stdlib too."""
        return self.stdlib_known > 0 and self.stdlib_fails == self.stdlib_known

    @property
    def affected(self) -> int:
        """How many cases show it: for hygiene, the cases it was seen after."""
        return len(self.seen_in) if self.hygiene else len(self.cases)

    def rank(self) -> tuple:
        worst = max((severity(o) for o in self.outcomes), default=0)
        return (
            0 if self.unexpected else 1,
            1 if self.stdlib_shares else 0,
            _LEVEL_RANK.get(self.level, 3),
            -self.affected,
            -worst,
            self.first_order,
        )

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "level": self.level,
            "clause": self.clause,
            "quote": self.quote,
            "count": self.affected,
            "unexpected": self.unexpected,
            "known": self.known,
            "clauses": self.clauses,
            "outcomes": self.outcomes,
            "stdlib": {"fails": self.stdlib_fails, "known": self.stdlib_known},
            "message": self.message,
            "repro": self.repro,
            "reasons": self.reasons,
            "cases": self.cases,
            "seen_in": self.seen_in[:50],
        }


def _title(key: tuple[str, str], first: CaseResult) -> str:
    kind, text = key
    if kind == "hygiene":
        return first.message.split(": seen in", 1)[0]
    if kind == "timeout":
        return f"{first.api}: cases time out"
    if kind == "crash":
        return f"the worker process dies ({first.message})"
    if kind == "rows":
        return (
            f"only the {text} rows fail, in tables over transport kinds whose other rows "
            f"pass: {_first_line(_message(first), 120)}"
        )
    if kind == "clause":
        # The clause groups these, so its own words (values included) say it best.
        return f"{first.clause}: {_first_line(_message(first))}"
    return text


def _first_line(text: str, limit: int = 200) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 3] + "..."


def group_findings(results: list[CaseResult]) -> list[Finding]:
    """The findings of one run, ranked; sets ``finding`` on each case it groups."""
    groups: dict[tuple[str, str], list[tuple[int, CaseResult]]] = {}
    for order, result in enumerate(results):
        if (result.raw_outcome or result.outcome) in FAILING:
            groups.setdefault(group_key(result), []).append((order, result))
    _merge_single_clause_causes(groups)
    _fold_transport_rows(groups, results)
    findings = []
    for key, members in groups.items():
        cases = [r for _, r in members]
        clauses = Counter(r.clause for r in cases)
        main_clause = clauses.most_common(1)[0][0]
        first = next(r for r in cases if r.clause == main_clause)
        levels = sorted({r.level for r in cases}, key=lambda lv: _LEVEL_RANK.get(lv, 3))
        stdlib_known = [r for r in cases if r.stdlib is not None]
        reasons = sorted({r.expected["reason"] for r in cases if r.expected})
        findings.append(
            Finding(
                id="",
                kind=key[0],
                title=_title(key, first),
                level=levels[0],
                clause=main_clause,
                quote=first.quote,
                cases=[r.id for r in cases],
                clauses=dict(clauses.most_common()),
                outcomes=dict(Counter(r.raw_outcome or r.outcome for r in cases)),
                known=sum(1 for r in cases if r.outcome == "xfail"),
                message=_message(first),
                repro=first.repro,
                stdlib_fails=sum(1 for r in stdlib_known if r.stdlib in FAILING),
                stdlib_known=len(stdlib_known),
                hygiene=key[0] == "hygiene",
                first_order=members[0][0],
                reasons=reasons[:5],
                seen_in=_seen_in(key, results),
            )
        )
    findings.sort(key=Finding.rank)
    by_case: dict[str, str] = {}
    for number, finding in enumerate(findings, 1):
        finding.id = f"F{number}"
        for case_id in finding.cases:
            by_case[case_id] = finding.id
    for result in results:
        result.finding = by_case.get(result.id)
    return findings


#: Row ids that name a transport kind, and the family a finding names.
_ROW_FAMILIES = {
    "tls": "TLS",
    "tls-client": "TLS",
    "tls-server": "TLS",
    "unix": "Unix-socket",
    "tcp6": "IPv6",
    "read-pipe": "pipe",
    "write-pipe": "pipe",
}
_ROW = re.compile(r"^(?P<base>.*)\[(?P<row>[^\]]+)\]$")


def _fold_transport_rows(groups: dict[tuple[str, str], list], results: list[CaseResult]) -> None:
    """One finding for a transport kind the loop gets wrong everywhere.

    A loop that ignores ``ssl=`` fails the TLS rows of every table over
    transport kinds, each under its own clause, while the plain rows of the
    same cases pass. When every failing case of a clause's finding is such a
    row of one family, and a sibling row of another family passed, the cause
    is the transport kind, not the clause: those findings become one.
    """
    passed_rows: dict[str, set[str]] = {}
    for result in results:
        match = _ROW.match(result.id)
        if match and (result.raw_outcome or result.outcome) == "pass":
            passed_rows.setdefault(match["base"], set()).add(match["row"])
    for key in [k for k in groups if k[0] == "clause"]:
        families = set()
        for _, result in groups[key]:
            match = _ROW.match(result.id)
            family = _ROW_FAMILIES.get(match["row"]) if match else None
            others = passed_rows.get(match["base"], set()) if match else set()
            if family is None or not any(_ROW_FAMILIES.get(r) != family for r in others):
                break
            families.add(family)
        else:
            if len(families) == 1:
                home = ("rows", families.pop())
                groups[home] = sorted(groups.get(home, []) + groups.pop(key), key=lambda m: m[0])


def _merge_single_clause_causes(groups: dict[tuple[str, str], list]) -> None:
    """Fold a cause seen in one clause only into that clause's own finding, if it has one.

    One clause's cases often fail in two ways for one reason (a method returns
    None: one case checks the type, the next calls ``.cancel()`` on it). A
    cause that spans several clauses stays a finding of its own.
    """
    for key in [k for k in groups if k[0] in _CAUSE_KINDS]:
        clauses = {result.clause for _, result in groups[key]}
        if len(clauses) == 1:
            home = ("clause", clauses.pop())
            if home in groups:
                groups[home] = sorted(groups[home] + groups.pop(key), key=lambda m: m[0])


def _seen_in(key: tuple[str, str], results: list[CaseResult]) -> list[str]:
    if key[0] != "hygiene":
        return []
    from .hygiene import BY_ID, counts_against_the_loop

    kind = BY_ID[key[1]].key
    return [r.id for r in results if kind in r.hygiene and counts_against_the_loop(r)]


def _message(result: CaseResult) -> str:
    """The failure as the loop produced it (without the expectation's reason in front)."""
    text = result.message
    if result.outcome == "xfail" and " | " in text:
        text = text.split(" | ", 1)[1]
    return text[:600]


def run_findings(run: dict) -> list[dict]:
    """A run entry's findings: as recorded (schema 2), or grouped now from its cases (schema 1)."""
    if "findings" in run:
        return list(run["findings"])
    cases = [CaseResult.from_json(c) for c in run.get("cases") or []]
    return [f.to_json() for f in group_findings(cases)]
