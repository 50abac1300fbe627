"""Judging one case run: what the case observed against what its spec expects.

Every check appends :class:`Problem` records; the first problem becomes the
result's expected/actual, and all of them (de-duplicated, each with a repeat
count, and capped) make its one-line message. A loop that repeats the same
illegal callback 265 times gets one line saying so, not 40 KB.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Optional

from .values import CaseFailure, plain, raised_as, resolve_type, same, short_repr

#: Warnings that mean the loop dropped work it was given: behaviour, not hygiene.
DROPPED_WORK_WARNINGS = (RuntimeWarning,)
#: Warnings about something never closed: hygiene (see conformance/hygiene.py).
UNCLOSED_WARNINGS = (ResourceWarning,)
#: At most this many distinct problems are spelled out in a message.
MESSAGE_PROBLEMS = 5
#: And each is cut to this many characters.
PROBLEM_CHARS = 300


@dataclass
class Problem:
    message: str
    expected: str = ""
    actual: str = ""
    traceback: str = ""
    #: See RawResult.kind; ``cause`` is what findings group by (empty: group by clause).
    kind: str = "assertion"
    cause: str = ""


def summarize_problems(problems: list[Problem]) -> str:
    """One line: the distinct problems in order of first appearance, with repeat counts."""
    counts: dict[str, int] = {}
    for problem in problems:
        text = problem.message.strip().splitlines()[0] if problem.message.strip() else "?"
        text = text if len(text) <= PROBLEM_CHARS else text[: PROBLEM_CHARS - 3] + "..."
        counts[text] = counts.get(text, 0) + 1
    parts = [text if n == 1 else f"{text} (x{n})" for text, n in counts.items()]
    shown = parts[:MESSAGE_PROBLEMS]
    if len(parts) > MESSAGE_PROBLEMS:
        shown.append(f"... and {len(parts) - MESSAGE_PROBLEMS} more distinct problems")
    return "; ".join(shown)


def level_of(name: str) -> int:
    return getattr(logging, name)


def describe_context(ctx: dict) -> str:
    parts = [str(ctx.get("message", "<no message>"))]
    exc = ctx.get("exception")
    if exc is not None:
        parts.append(f"exception={type(exc).__name__}: {exc}")
    return "; ".join(parts)


def warning_text(warnings_seen: list) -> str:
    return " | ".join(f"{w.category.__name__}: {str(w.message)[:200]}" for w in warnings_seen)


class Judge:
    """Compares one run of a case with its ``expect`` block."""

    def __init__(self, case: dict) -> None:
        self.case = case
        self.expect: dict = case.get("expect") or {}
        self.problems: list[Problem] = []

    def add(
        self,
        message: str,
        expected: str = "",
        actual: str = "",
        tb: str = "",
        *,
        kind: str = "assertion",
        cause: str = "",
    ) -> None:
        self.problems.append(Problem(message, expected, actual, tb, kind, cause))

    # -- what the code did ---------------------------------------------------------

    def body(
        self, value: Any, error: Optional[BaseException], error_tb: str, raised_at: str = ""
    ) -> None:
        """``raised_at``: where the loop's own code raised ``error`` (empty when the case did)."""
        raises = self.expect.get("raises")
        if isinstance(error, CaseFailure):
            self.add(str(error), error.expected, error.actual, error_tb, cause=error.cause)
            return
        cause = _exception_cause(error, raised_at) if error is not None else ""
        if _the_cases_own_timeout(error, raised_at):
            # The case's own wait_for()/timeout() gave up: that says where the case
            # stopped, not why; the clause groups it.
            cause = ""
        if raises is not None:
            self._raised(raises, value, error, error_tb, cause)
            return
        if error is not None:
            self.add(
                f"unexpected {type(error).__name__}: {error}",
                "no exception",
                f"{type(error).__name__}: {error}",
                error_tb,
                kind="exception" if cause else "assertion",
                cause=cause,
            )
            return
        if "returns" in self.expect and not same(value, self.expect["returns"]):
            self.add(
                f"returned {short_repr(plain(value))}, expected {short_repr(self.expect['returns'])}",
                short_repr(self.expect["returns"]),
                short_repr(plain(value)),
            )

    def _raised(
        self, raises: Any, value: Any, error: Optional[BaseException], tb: str, cause: str
    ) -> None:
        spec = {"type": raises} if isinstance(raises, str) else raises
        exc_type = resolve_type(spec["type"])
        want = spec["type"] + (f" matching {spec['match']!r}" if spec.get("match") else "")
        if error is None:
            self.add(
                f"expected {spec['type']} to be raised, but the code returned {short_repr(value)}",
                want,
                f"returned {short_repr(value)}",
            )
        elif not raised_as(error, exc_type):
            self.add(
                f"expected {spec['type']}, got {type(error).__name__}: {error}",
                want,
                f"{type(error).__name__}: {error}",
                tb,
                kind="exception" if cause else "assertion",
                cause=cause,
            )
        elif spec.get("match") and not re.search(spec["match"], str(error)):
            self.add(
                f"{spec['type']} raised, but its message {str(error)!r} does not match "
                f"{spec['match']!r}",
                want,
                f"{type(error).__name__}: {error}",
                tb,
            )

    def trace(self, traced: list) -> None:
        if "trace" in self.expect and not same(traced, self.expect["trace"]):
            self.add(
                f"trace {short_repr(plain(traced))}, expected {short_repr(self.expect['trace'])}",
                short_repr(self.expect["trace"]),
                short_repr(plain(traced)),
            )

    def violations(self, violations: list[str]) -> None:
        for violation in violations:
            self.add(
                violation, "a legal callback order", violation, kind="protocol", cause=violation
            )

    # -- what the loop reported on the side ----------------------------------------

    def handler_calls(self, calls: list, logs: list, captured: bool) -> None:
        wanted = self.expect.get("handler_calls") or []
        if captured:
            seen = [(describe_context(c), c) for c in calls]
        else:
            # The loop's own handler ran; its calls show up as ERROR log records.
            seen = [
                (r.getMessage(), {"message": r.getMessage()})
                for r in logs
                if r.levelno >= logging.ERROR
            ]
        remaining = list(seen)
        for want in wanted:
            match = next((item for item in remaining if _context_matches(item[1], want)), None)
            if match is None:
                self.add(
                    f"expected an exception-handler call {want}, saw "
                    f"{[text for text, _ in seen] or 'none'}",
                    str(want),
                    short_repr([text for text, _ in seen]),
                )
                return
            remaining.remove(match)
        if remaining:
            texts = [text for text, _ in remaining]
            self.add(
                "unexpected exception-handler call(s): " + " | ".join(texts),
                "no exception-handler call",
                "\n".join(texts),
                kind="handler",
                cause=texts[0],
            )

    def logs(self, logs: list[logging.LogRecord], errors_are_unexpected: bool) -> None:
        remaining = list(logs)
        for want in self.expect.get("logs") or []:
            level = level_of(want.get("level", "WARNING"))
            match = next(
                (
                    r
                    for r in remaining
                    if r.levelno == level
                    and r.name == want.get("logger", "asyncio")
                    and re.search(want.get("match", ""), r.getMessage())
                ),
                None,
            )
            if match is None:
                logger = want.get("logger", "asyncio")
                seen = [r for r in logs if r.name == logger]
                self.add(
                    f"expected a log record {want}, saw "
                    f"{[(r.levelname, r.getMessage()[:100]) for r in logs] or 'none'}",
                    str(want),
                    short_repr([r.getMessage() for r in logs]),
                    # Nothing at all on the logger is one cause however many clauses
                    # it shows in (a loop that prints instead of logging, say).
                    kind="log" if not seen else "assertion",
                    cause=f"nothing was logged on the {logger!r} logger" if not seen else "",
                )
            else:
                remaining.remove(match)
        if errors_are_unexpected:
            errors = [r for r in remaining if r.levelno >= logging.ERROR]
            if errors:
                self.add(
                    "unexpected error logged on the asyncio logger: "
                    + " | ".join(r.getMessage()[:200] for r in errors),
                    "no error log",
                    errors[0].getMessage(),
                    kind="log",
                    cause=errors[0].getMessage(),
                )

    def warnings(self, caught: list) -> list:
        """Judge expected and dropped-work warnings; return the unclosed-object ones (hygiene)."""
        remaining = list(caught)
        for want in self.expect.get("warns") or []:
            category = resolve_type(want["category"])
            match = next(
                (
                    w
                    for w in remaining
                    if issubclass(w.category, category)
                    and re.search(want.get("match", ""), str(w.message))
                ),
                None,
            )
            if match is None:
                self.add(
                    f"expected a warning {want}, saw "
                    f"{[str(w.message)[:100] for w in caught] or 'none'}",
                    str(want),
                    short_repr([str(w.message) for w in caught]),
                )
            else:
                remaining.remove(match)
        dropped = [w for w in remaining if issubclass(w.category, DROPPED_WORK_WARNINGS)]
        if dropped:
            self.add(
                "unexpected warning(s): " + warning_text(dropped),
                "no RuntimeWarning",
                str(dropped[0].message),
                kind="warning",
                cause=str(dropped[0].message),
            )
        return [w for w in remaining if issubclass(w.category, UNCLOSED_WARNINGS)]


def _the_cases_own_timeout(error: Optional[BaseException], raised_at: str) -> bool:
    import asyncio

    return isinstance(error, (asyncio.TimeoutError, TimeoutError)) and raised_at.startswith(
        ("timeouts.", "tasks.")
    )


def leaf_exception(error: BaseException) -> BaseException:
    """An exception group's innermost first exception: where the cause is."""
    while isinstance(getattr(error, "exceptions", None), (list, tuple)) and error.exceptions:
        error = error.exceptions[0]
    return error


def _exception_cause(error: BaseException, raised_at: str) -> str:
    error = leaf_exception(error)
    text = f"{type(error).__name__}: {error}"
    return f"{text} (raised in {raised_at})" if raised_at else text


def _context_matches(ctx: dict, want: dict) -> bool:
    if "message" in want and not re.search(want["message"], str(ctx.get("message", ""))):
        return False
    if "exception" in want and not isinstance(
        ctx.get("exception"), resolve_type(want["exception"])
    ):
        return False
    return all(key in ctx for key in want.get("keys", ()))
