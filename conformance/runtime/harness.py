"""Runs one case against one fresh loop and decides its outcome.

The steps, and why they are in this order:

1. Snapshot global state, then create the loop (a failing factory is ``error``).
2. Install a capturing exception handler, so that every handler call is seen
   (cases about the handler itself opt out with ``capture_handler: false``).
3. Run the code, recording what it returned or raised.
4. Collect garbage *before* closing the loop, so that "exception was never
   retrieved" and "task was destroyed" reports reach the handler and count.
5. Shut the loop down the way asyncio.run() does, then close it.
6. Compare what was observed with ``expect``; then look for what no case may
   do (unexpected handler calls, error logs, warnings, leaks).
7. Restore global state whatever happened.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import re
import time
import traceback
import warnings
from typing import Any, Callable, Optional

from .compile import CASE_FUNCTION, compile_case
from .helpers import CaseContext, CaseFailure, SetupError, plain, resolve_type, same, short_repr
from .isolation import Snapshot

#: Loops that refused to close; see _Run.teardown.
_UNCLOSABLE: list = []

#: Warnings that always mean something was left undone.
ALARMING_WARNINGS = (RuntimeWarning, ResourceWarning)


class _LogCapture(logging.Handler):
    """Keeps the ``asyncio`` logger's records for the case, instead of printing them."""

    def __init__(self, level: int) -> None:
        super().__init__(level)
        self.records: list[logging.LogRecord] = []
        self._logger = logging.getLogger("asyncio")

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def __enter__(self) -> _LogCapture:
        self._saved = (self._logger.level, self._logger.propagate)
        if self.level < self._logger.getEffectiveLevel():
            self._logger.setLevel(self.level)
        self._logger.propagate = False
        self._logger.addHandler(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._logger.removeHandler(self)
        self._logger.setLevel(self._saved[0])
        self._logger.propagate = self._saved[1]


def _result(
    outcome: str,
    message: str = "",
    *,
    expected: str = "",
    actual: str = "",
    tb: str = "",
    observed: Optional[str] = None,
) -> dict:
    details = None
    if expected or actual or tb:
        details = {"expected": expected, "actual": actual, "traceback": tb}
    return {"outcome": outcome, "message": message, "details": details, "observed": observed}


def _format_exc(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def _describe_context(ctx: dict) -> str:
    parts = [str(ctx.get("message", "<no message>"))]
    exc = ctx.get("exception")
    if exc is not None:
        parts.append(f"exception={type(exc).__name__}: {exc}")
    return "; ".join(parts)


def _level_of(name: str) -> int:
    return getattr(logging, name)


class _Run:
    """The state of one case run; ``finish`` turns it into a result dict."""

    def __init__(self, case: dict, multiplier: float) -> None:
        self.case = case
        self.expect: dict = case.get("expect") or {}
        self.multiplier = multiplier
        self.value: Any = None
        self.error: Optional[BaseException] = None
        self.error_tb = ""
        self.teardown_error: Optional[str] = None
        self.cleanup_errors: list = []

    def execute(self, loop: Any, ctx: CaseContext) -> None:
        case = self.case
        scope = ctx.scope()
        scope.update(case.get("params") or {})
        code = compile_case(
            case["code"],
            case.get("mode", "async"),
            case.get("code_line", 1),
            case.get("file", "<case>"),
        )
        exec(code, scope)
        function = scope[CASE_FUNCTION]
        passthrough = self._expected_base_exception()
        try:
            if case.get("mode", "async") == "async":
                self.value = loop.run_until_complete(function())
            else:
                self.value = function()
        except (KeyboardInterrupt, SystemExit) as exc:
            if passthrough and isinstance(exc, passthrough):
                self._keep_error(exc)
            else:
                raise
        except BaseException as exc:
            self._keep_error(exc)

    def _keep_error(self, exc: BaseException) -> None:
        """Keep the exception but not its frames.

        Frames hold the case's objects alive; if they died only after this case
        was judged, their "never awaited" or "unclosed" warnings would be blamed
        on the next case in the worker.
        """
        self.error = exc
        self.error_tb = _format_exc(exc)
        seen = set()
        while exc is not None and id(exc) not in seen:
            seen.add(id(exc))
            exc.__traceback__ = None
            exc = exc.__cause__ or exc.__context__

    def _expected_base_exception(self) -> Optional[type]:
        raises = self.expect.get("raises")
        if raises is None:
            return None
        name = raises if isinstance(raises, str) else raises["type"]
        exc_type = resolve_type(name)
        return exc_type if issubclass(exc_type, (KeyboardInterrupt, SystemExit)) else None

    def settle(self, loop: Any) -> None:
        """Let callbacks the case already scheduled run (a close's connection_lost, say).

        Protocol machines are checked right after this and *before* peers are
        closed, so a transport the case left open is caught as open instead of
        being closed by its peer going away.
        """
        if loop.is_closed() or loop.is_running():
            return
        try:
            for _ in range(3):
                loop.run_until_complete(asyncio.sleep(0))
        except BaseException as exc:
            self.teardown_error = (
                f"running the loop after the case raised {type(exc).__name__}: {exc}"
            )

    def teardown(self, loop: Any) -> None:
        """Shut the loop down as asyncio.run() would, then close it, whatever fails."""
        gc.collect()
        if loop.is_closed():
            gc.collect()
            return
        if loop.is_running():
            self.teardown_error = "the loop was still running after the case"
            return
        steps = [
            lambda: loop.set_task_factory(None),  # a case's broken factory must not stop us
            lambda: loop.run_until_complete(loop.shutdown_asyncgens()),
        ]
        if hasattr(loop, "shutdown_default_executor"):
            steps.append(lambda: loop.run_until_complete(loop.shutdown_default_executor()))
        steps.append(loop.close)
        for step in steps:
            try:
                step()
            except BaseException as exc:
                if self.teardown_error is None:
                    self.teardown_error = (
                        f"tearing the loop down raised {type(exc).__name__}: "
                        f"{exc}\n{_format_exc(exc)}"
                    )
        if not loop.is_closed():
            # Keep it alive for good: if it were collected later, its __del__
            # could close fds that by then belong to another case's loop.
            _UNCLOSABLE.append(loop)
        gc.collect()

    # -- judging ---------------------------------------------------------------

    def judge(self, ctx: CaseContext, logs: list[logging.LogRecord], caught: list) -> dict:
        problems: list[dict] = []
        self._judge_body(problems)
        for violation in ctx.protocols.violations:
            problems.append(
                {"message": violation, "expected": "a legal callback order", "actual": violation}
            )
        for exc in self.cleanup_errors:
            if isinstance(exc, CaseFailure):
                problems.append({"message": str(exc), "traceback": _format_exc(exc)})
        self._judge_trace(ctx, problems)
        self._judge_handler(ctx, logs, problems)
        self._judge_logs(logs, problems)
        self._judge_warnings(caught, problems)
        if self.teardown_error:
            problems.append(
                {"message": self.teardown_error.splitlines()[0], "traceback": self.teardown_error}
            )
        observed = None
        if self.case.get("level") == "impl-defined" or self.expect.get("observe"):
            observed = (
                f"raised {type(self.error).__name__}: {self.error}"
                if self.error is not None
                else short_repr(plain(self.value))
            )
        if not problems:
            return _result("pass", observed=observed)
        first = problems[0]
        message = "; ".join(p["message"] for p in problems)
        if self.case.get("level") == "impl-defined":
            # The docs leave this open: record, never fail.
            return _result("pass", f"observed, not judged: {message}", observed=observed)
        return _result(
            "fail",
            message,
            expected=first.get("expected", ""),
            actual=first.get("actual", ""),
            tb=first.get("traceback", ""),
            observed=observed,
        )

    def _judge_body(self, problems: list[dict]) -> None:
        raises = self.expect.get("raises")
        error = self.error
        if isinstance(error, SetupError):
            raise error
        if isinstance(error, CaseFailure):
            problems.append(
                {
                    "message": str(error),
                    "expected": error.expected,
                    "actual": error.actual,
                    "traceback": self.error_tb,
                }
            )
            return
        if raises is not None:
            spec = {"type": raises} if isinstance(raises, str) else raises
            exc_type = resolve_type(spec["type"])
            want = spec["type"] + (f" matching {spec['match']!r}" if spec.get("match") else "")
            if error is None:
                problems.append(
                    {
                        "message": f"expected {spec['type']} to be raised, but the code "
                        f"returned {short_repr(self.value)}",
                        "expected": want,
                        "actual": f"returned {short_repr(self.value)}",
                    }
                )
            elif not isinstance(error, exc_type):
                problems.append(
                    {
                        "message": f"expected {spec['type']}, got {type(error).__name__}: {error}",
                        "expected": want,
                        "actual": f"{type(error).__name__}: {error}",
                        "traceback": self.error_tb,
                    }
                )
            elif spec.get("match") and not re.search(spec["match"], str(error)):
                problems.append(
                    {
                        "message": f"{spec['type']} raised, but its message {str(error)!r} "
                        f"does not match {spec['match']!r}",
                        "expected": want,
                        "actual": f"{type(error).__name__}: {error}",
                        "traceback": self.error_tb,
                    }
                )
            return
        if error is not None:
            problems.append(
                {
                    "message": f"unexpected {type(error).__name__}: {error}",
                    "expected": "no exception",
                    "actual": f"{type(error).__name__}: {error}",
                    "traceback": self.error_tb,
                }
            )
            return
        if "returns" in self.expect and not same(self.value, self.expect["returns"]):
            problems.append(
                {
                    "message": f"returned {short_repr(plain(self.value))}, "
                    f"expected {short_repr(self.expect['returns'])}",
                    "expected": short_repr(self.expect["returns"]),
                    "actual": short_repr(plain(self.value)),
                }
            )

    def _judge_trace(self, ctx: CaseContext, problems: list[dict]) -> None:
        if "trace" in self.expect and not same(ctx.traced, self.expect["trace"]):
            problems.append(
                {
                    "message": f"trace {short_repr(plain(ctx.traced))}, "
                    f"expected {short_repr(self.expect['trace'])}",
                    "expected": short_repr(self.expect["trace"]),
                    "actual": short_repr(plain(ctx.traced)),
                }
            )

    def _judge_handler(self, ctx: CaseContext, logs: list, problems: list[dict]) -> None:
        wanted = self.expect.get("handler_calls") or []
        if self.case.get("capture_handler", True):
            seen = [(_describe_context(c), c) for c in ctx.handler_calls]
        else:
            # The loop's own handler ran; its calls show up as ERROR log records.
            seen = [
                (r.getMessage(), {"message": r.getMessage()})
                for r in logs
                if r.levelno >= logging.ERROR
            ]
        remaining = list(seen)
        for want in wanted:
            match = next((item for item in remaining if self._context_matches(item[1], want)), None)
            if match is None:
                problems.append(
                    {
                        "message": f"expected an exception-handler call {want}, saw "
                        f"{[text for text, _ in seen] or 'none'}",
                        "expected": str(want),
                        "actual": short_repr([text for text, _ in seen]),
                    }
                )
                return
            remaining.remove(match)
        if remaining:
            texts = [text for text, _ in remaining]
            problems.append(
                {
                    "message": "unexpected exception-handler call(s): " + " | ".join(texts),
                    "expected": "no exception-handler call",
                    "actual": "\n".join(texts),
                }
            )

    @staticmethod
    def _context_matches(ctx: dict, want: dict) -> bool:
        if "message" in want and not re.search(want["message"], str(ctx.get("message", ""))):
            return False
        if "exception" in want and not isinstance(
            ctx.get("exception"), resolve_type(want["exception"])
        ):
            return False
        return all(key in ctx for key in want.get("keys", ()))

    def _judge_logs(self, logs: list[logging.LogRecord], problems: list[dict]) -> None:
        remaining = list(logs)
        for want in self.expect.get("logs") or []:
            level = _level_of(want.get("level", "WARNING"))
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
                problems.append(
                    {
                        "message": f"expected a log record {want}, saw "
                        f"{[(r.levelname, r.getMessage()[:100]) for r in logs] or 'none'}",
                        "expected": str(want),
                        "actual": short_repr([r.getMessage() for r in logs]),
                    }
                )
            else:
                remaining.remove(match)
        if self.case.get("capture_handler", True):
            errors = [r for r in remaining if r.levelno >= logging.ERROR]
            if errors:
                problems.append(
                    {
                        "message": "unexpected error logged on the asyncio logger: "
                        + " | ".join(r.getMessage()[:200] for r in errors),
                        "expected": "no error log",
                        "actual": errors[0].getMessage(),
                    }
                )

    def _judge_warnings(self, caught: list, problems: list[dict]) -> None:
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
                problems.append(
                    {
                        "message": f"expected a warning {want}, saw "
                        f"{[str(w.message)[:100] for w in caught] or 'none'}",
                        "expected": str(want),
                        "actual": short_repr([str(w.message) for w in caught]),
                    }
                )
            else:
                remaining.remove(match)
        alarming = [w for w in remaining if issubclass(w.category, ALARMING_WARNINGS)]
        if alarming:
            problems.append(
                {
                    "message": "unexpected warning(s): "
                    + " | ".join(
                        f"{w.category.__name__}: {str(w.message)[:200]}" for w in alarming
                    ),
                    "expected": "no RuntimeWarning or ResourceWarning",
                    "actual": str(alarming[0].message),
                }
            )


def _collect_leftovers(run: _Run, ctx: CaseContext, caught: list, result: dict, case: dict) -> None:
    """Free what the judging needed, collect it now, and blame its warnings on this case.

    Handler contexts and the case's exception hold frames, which hold the
    case's transports in reference cycles. Collected later, during the next
    case in the same worker, their "unclosed transport" warnings would be
    blamed on that case.
    """
    seen = len(caught)
    ctx.handler_calls.clear()
    ctx.traced.clear()
    run.error = None
    run.value = None
    ctx.loop = None  # a loop in reference cycles holds its pending tasks and coroutines
    gc.collect()
    late = [w for w in caught[seen:] if issubclass(w.category, ALARMING_WARNINGS)]
    if late and result["outcome"] == "pass" and case.get("level") != "impl-defined":
        text = " | ".join(f"{w.category.__name__}: {str(w.message)[:200]}" for w in late)
        result.update(
            _result(
                "fail",
                f"left behind after the case: {text}",
                expected="nothing left open",
                actual=text,
            )
        )


def _logging_level_for(case: dict) -> int:
    levels = [
        _level_of(w.get("level", "WARNING")) for w in (case.get("expect") or {}).get("logs") or []
    ]
    return min(levels + [logging.WARNING])


def run_case(
    case: dict,
    new_loop: Callable[[], Any],
    *,
    multiplier: float = 1.0,
    debug: bool = False,
    tls_pems: Optional[dict] = None,
    loop_refs: Optional[dict] = None,
) -> dict:
    """Run one case (its wire form) on a loop from ``new_loop``; return its result dict.

    ``loop_refs`` ({"factory": "mod:attr", "setup": ...}) lets ``loop_python()``
    rebuild the same loop in a child process.
    """
    started = time.perf_counter()
    snapshot = Snapshot.take()
    os.environ.update(case.get("env") or {})  # before the factory: loops read defaults there
    run = _Run(case, multiplier)
    try:
        with (
            warnings.catch_warnings(record=True) as caught,
            _LogCapture(_logging_level_for(case)) as logs,
        ):
            warnings.simplefilter("always")
            try:
                loop = new_loop()
            except BaseException as exc:
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
                return _finish(
                    started,
                    _result(
                        "error",
                        f"the loop factory raised {type(exc).__name__}: {exc}",
                        tb=_format_exc(exc),
                    ),
                )
            ctx = CaseContext(
                loop,
                multiplier,
                machines=case.get("machines"),
                tls_pems=tls_pems,
                loop_refs=loop_refs,
            )
            ctx.log_records = logs.records
            try:
                if debug:
                    loop.set_debug(True)
                if case.get("capture_handler", True):
                    loop.set_exception_handler(
                        lambda _loop, context: ctx.handler_calls.append(context)
                    )
                run.execute(loop, ctx)
            except SyntaxError as exc:
                ctx.cleanup()
                run.teardown(loop)
                return _finish(started, _result("error", f"the case does not compile: {exc}"))
            run.settle(loop)
            ctx.protocols.finish()
            run.cleanup_errors = ctx.cleanup()
            run.teardown(loop)
            del loop
            try:
                result = run.judge(ctx, logs.records, caught)
            except SetupError as exc:
                return _finish(
                    started, _result("error", f"set-up failed: {exc}", tb=_format_exc(exc))
                )
            snapshot.restore()  # drops a loop the case left current, while warnings are captured
            _collect_leftovers(run, ctx, caught, result, case)
        leaks = snapshot.leaks(grace=0.5 * multiplier + 0.5)
        if leaks and result["outcome"] == "pass" and case.get("level") != "impl-defined":
            result = _result(
                "fail", "; ".join(leaks), expected="nothing left open", actual="\n".join(leaks)
            )
        elif leaks:
            result["message"] = "; ".join(filter(None, [result["message"]] + leaks))
        return _finish(started, result)
    finally:
        # Leaked fds are reported, never closed here: the objects that own them
        # would close them again later, possibly after the number was reused.
        snapshot.reap_children()
        snapshot.restore()


def _finish(started: float, result: dict) -> dict:
    result["duration_s"] = round(time.perf_counter() - started, 6)
    return result
