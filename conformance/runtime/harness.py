"""Runs one case against one fresh loop and says what happened.

The steps, and why they are in this order:

1. Snapshot global state, then create the loop (a failing factory is ``error``).
2. Install a capturing exception handler, so that every handler call is seen
   (cases about the handler itself opt out with ``capture_handler: false``).
3. Run the code, recording what it returned or raised.
4. Let callbacks the case already scheduled run, check the protocol machines,
   and close the case's peers.
5. Undo what the case did to the loop, then close it. The harness calls no
   optional loop method the case did not use itself: a loop that lacks one
   must not fail cases that never touch it (see :func:`_teardown_steps`).
6. Compare what was observed with ``expect``.
7. Collect garbage, restore global state, and note what the loop left behind
   (fds, threads, children, unclosed-object warnings). Those notes are
   *hygiene*: they never change this case's outcome (conformance/hygiene.py).

A step of the harness's own that fails on this loop (the teardown's close(),
say) is a ``harness`` note, never the case's failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import inspect
import logging
import os
import time
import traceback
import warnings
from dataclasses import dataclass, field
from types import CodeType
from typing import Any, Callable, Iterator, Optional

from ..results import NOT_OBSERVABLE_SKIP, Details, RawResult
from .compile import CASE_FUNCTION, compile_case
from .context import CaseContext
from .isolation import Leaks, Snapshot
from .judge import Judge, leaf_exception, level_of, summarize_problems, warning_text
from .values import (
    CaseFailure,
    NotObservable,
    SetupError,
    WaitGaveUp,
    listen_for_failures,
    plain,
    raised_as,
    resolve_type,
    short_repr,
)

#: Loops that refused to close; see _Run.teardown.
_UNCLOSABLE: list = []


@dataclass
class HarnessSettings:
    """What stays the same for every case of a run in one process."""

    multiplier: float = 1.0
    debug: bool = False
    tls_pems: Optional[dict] = None
    #: {"factory": "mod:attr", "setup": ...}: lets loop_python() rebuild the loop in a child.
    loop_refs: dict = field(default_factory=dict)
    #: Protocol state machines by name (specs/state-machines.yaml).
    machines: dict = field(default_factory=dict)
    #: An adapter's host (see Adapter.host): runs each case's body inside its own runner.
    host: Optional[Callable[[Callable[[Any], Any]], Any]] = None


@dataclass
class CaseRun:
    """What :func:`run_case` returns: the raw result, and what was left behind."""

    raw: RawResult
    leaks: Leaks = field(default_factory=Leaks)


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


def format_exc(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def _names_and_flags(code: CodeType) -> tuple[set[str], int]:
    """Every name the case's code (and the functions it defines) uses, and their flags."""
    names: set[str] = set(code.co_names)
    flags = code.co_flags
    for const in code.co_consts:
        if isinstance(const, CodeType):
            inner_names, inner_flags = _names_and_flags(const)
            names |= inner_names
            flags |= inner_flags
    return names, flags


class _Run:
    """The state of one case run."""

    def __init__(self, case: dict, settings: HarnessSettings) -> None:
        self.case = case
        self.settings = settings
        self.expect: dict = case.get("expect") or {}
        self.value: Any = None
        self.error: Optional[BaseException] = None
        self.error_tb = ""
        self.raised_at = ""
        self.cleanup_errors: list = []
        self.harness_notes: list[str] = []
        #: The loop could not be closed cleanly: hygiene, not this case's clause.
        self.teardown_problem = ""
        self.code = compile_case(
            case["code"],
            case.get("mode", "async"),
            case.get("code_line", 1),
            case.get("file", "<case>"),
        )
        self.names, flags = _names_and_flags(self.code)
        self.defines_async_generators = bool(flags & inspect.CO_ASYNC_GENERATOR)

    # -- running ---------------------------------------------------------------

    def function(self, ctx: CaseContext) -> Callable[[], Any]:
        scope = ctx.scope()
        scope.update(self.case.get("params") or {})
        exec(self.code, scope)
        return scope[CASE_FUNCTION]

    def install(self, loop: Any, ctx: CaseContext) -> None:
        """The harness's own set-up on the loop: debug mode, the capturing handler."""
        if self.settings.debug:
            try:
                loop.set_debug(True)
            except Exception as exc:
                self.harness_notes.append(f"set-up: loop.set_debug(True) raised {_name(exc)}")
        if self.case.get("capture_handler", True):
            try:
                loop.set_exception_handler(lambda _loop, context: ctx.handler_calls.append(context))
                ctx.handler_captured = True
            except Exception as exc:
                # Handler calls are then judged from the ERROR logs of the default handler.
                self.harness_notes.append(
                    f"set-up: loop.set_exception_handler() raised {_name(exc)}; handler calls "
                    "were judged from the asyncio logger instead"
                )

    def execute(self, loop: Any, ctx: CaseContext) -> None:
        function = self.function(ctx)
        with self._keeping_errors():
            if self.case.get("mode", "async") == "async":
                self.value = loop.run_until_complete(function())
            else:
                self.value = function()

    async def execute_hosted(self, ctx: CaseContext) -> None:
        """The same as :meth:`execute` for a loop that is already running in its host."""
        function = self.function(ctx)
        with self._keeping_errors():
            self.value = await function()
        try:
            for _ in range(3):
                await asyncio.sleep(0)
        except BaseException as exc:  # the host cancelled us, say: the case is still judged
            self.harness_notes.append(f"settling: the hosted loop raised {_name(exc)}")

    @contextlib.contextmanager
    def _keeping_errors(self) -> Iterator[None]:
        """Whatever the case's code raises is kept for judging, not propagated:
        except KeyboardInterrupt and SystemExit, unless the case expects them."""
        try:
            yield
        except (KeyboardInterrupt, SystemExit) as exc:
            if not self._expects(exc):
                raise
            self.keep_error(exc)
        except BaseException as exc:
            self.keep_error(exc)

    def keep_error(self, exc: BaseException) -> None:
        """Keep the exception but not its frames.

        Frames hold the case's objects alive; if they died only after this case
        was judged, their "never awaited" or "unclosed" warnings would be blamed
        on the next case in the worker.
        """
        exc = first_failure(exc)
        self.error = exc
        self.error_tb = format_exc(exc)
        self.raised_at = _raised_at(leaf_exception(exc), self.case.get("file", "<case>"))
        seen = set()
        while exc is not None and id(exc) not in seen:
            seen.add(id(exc))
            exc.__traceback__ = None
            exc = exc.__cause__ or exc.__context__

    def _expects(self, exc: BaseException) -> bool:
        raises = self.expect.get("raises")
        if raises is None:
            return False
        name = raises if isinstance(raises, str) else raises["type"]
        return raised_as(exc, resolve_type(name))

    def settle(self, loop: Any) -> None:
        """Let callbacks the case already scheduled run (a close's connection_lost, say).

        Protocol machines are checked right after this and *before* peers are
        closed, so a transport the case left open is caught as open instead of
        being closed by its peer going away.
        """
        try:
            if loop.is_closed() or loop.is_running():
                return
        except BaseException as exc:  # a loop that cannot say: the teardown reports it
            self.harness_notes.append(f"settling: asking the loop its state raised {_name(exc)}")
            return
        for _ in range(3):
            step = asyncio.sleep(0)
            try:
                loop.run_until_complete(step)
            except BaseException as exc:
                self.harness_notes.append(
                    f"settling: running the loop after the case raised {_name(exc)}"
                )
                return
            finally:
                # A loop that failed to start it must not leave our coroutine to warn
                # "never awaited" during judging: that warning is not the case's.
                if inspect.getcoroutinestate(step) == inspect.CORO_CREATED:
                    step.close()

    # -- tearing down ----------------------------------------------------------------

    def _teardown_steps(self, loop: Any) -> list[tuple[str, Callable[[], Any]]]:
        """Undo what the case did, then close: only methods the case itself used.

        A case that set a task factory gets it reset (a broken factory must not
        break the shutdown); a case that made async generators gets them
        finalised, as asyncio.run() would. Executor threads are not waited for:
        close() shuts the executor down, and the thread check allows them a
        grace period to finish.
        """
        steps: list[tuple[str, Callable[[], Any]]] = []
        if "set_task_factory" in self.names:
            steps.append(("loop.set_task_factory(None)", lambda: loop.set_task_factory(None)))
        if self.defines_async_generators and "shutdown_asyncgens" not in self.names:
            steps.append(
                (
                    "loop.shutdown_asyncgens()",
                    lambda: loop.run_until_complete(loop.shutdown_asyncgens()),
                )
            )
        steps.append(("loop.close()", loop.close))
        return steps

    def teardown(self, loop: Any) -> None:
        gc.collect()
        try:
            if loop.is_closed():
                gc.collect()
                return
            running = loop.is_running()
        except BaseException as exc:
            # Not the case's failure: the loop cannot close cleanly, which is
            # what the closes-cleanly hygiene check reports.
            self.teardown_problem = f"asking the loop its state raised {_name(exc)}"
            _UNCLOSABLE.append(loop)
            return
        if running:
            self.teardown_problem = "the loop was still running after the case"
            _UNCLOSABLE.append(loop)
            return
        for label, step in self._teardown_steps(loop):
            try:
                step()
            except BaseException as exc:
                if label == "loop.close()":
                    self.teardown_problem = f"{label} raised {_name(exc)}"
                else:  # undoing what the case did, on the case's behalf
                    self.harness_notes.append(f"teardown: {label} raised {_name(exc)}")
        try:
            closed = loop.is_closed()
        except BaseException:
            closed = False
        if not closed:
            # Keep it alive for good: if it were collected later, its __del__
            # could close fds that by then belong to another case's loop.
            _UNCLOSABLE.append(loop)
        gc.collect()

    # -- judging ---------------------------------------------------------------

    def judge(self, ctx: CaseContext, logs: list[logging.LogRecord], caught: list) -> RawResult:
        """The raw result; ResourceWarnings are returned as hygiene, not judged."""
        if isinstance(self.error, SetupError):
            raise self.error
        if isinstance(self.error, NotObservable):
            # Nothing was judged, so neither is what the case left behind.
            return RawResult(
                "skip",
                f"{NOT_OBSERVABLE_SKIP}: {self.error}",
                harness=list(self.harness_notes),
                finished=False,
            )
        judge = Judge(self.case)
        judge.body(self.value, self.error, self.error_tb, self.raised_at)
        judge.violations(ctx.protocols.violations)
        for exc in self.cleanup_errors:
            if isinstance(exc, CaseFailure):
                judge.add(str(exc), tb=format_exc(exc))
        judge.trace(ctx.traced)
        judge.handler_calls(ctx.handler_calls, logs, ctx.handler_captured)
        judge.logs(logs, errors_are_unexpected=ctx.handler_captured)
        unclosed = judge.warnings(caught)
        observed = None
        if self.case.get("level") == "impl-defined" or self.expect.get("observe"):
            observed = (
                f"raised {type(self.error).__name__}: {self.error}"
                if self.error is not None
                else short_repr(plain(self.value))
            )
        result = RawResult("pass", observed=observed, harness=list(self.harness_notes))
        result.finished = self.error is None or (
            "raises" in self.expect and self._expects(self.error)
        )
        if unclosed:
            result.hygiene["unclosed"] = warning_text(unclosed)
        if self.teardown_problem:
            result.hygiene["teardown"] = self.teardown_problem
        if not judge.problems:
            return result
        message = summarize_problems(judge.problems)
        if self.case.get("level") == "impl-defined":
            # The docs leave this open: record, never fail.
            result.message = f"observed, not judged: {message}"
            return result
        first = judge.problems[0]
        result.outcome = "fail"
        result.message = message
        # Group by the loop's own exception when there is one: the protocol left
        # open or the peer that gave up are usually its consequences.
        cause = next((p for p in judge.problems if p.kind == "exception"), first)
        result.kind, result.cause = cause.kind, cause.cause
        if first.expected or first.actual or first.traceback:
            result.details = Details(first.expected, first.actual, first.traceback)
        return result


#: Frames in these folders are ours, not the loop's.
_OUR_FOLDERS = (os.path.dirname(os.path.dirname(os.path.abspath(__file__))),)


def _raised_at(exc: BaseException, case_file: str) -> str:
    """The innermost frame of the traceback in code that is neither the case's nor ours.

    That is where the loop (or the stdlib on its behalf) raised: the same place
    for every case that trips over the same bug, so findings can group by it.
    """
    where = ""
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        filename = code.co_filename
        if filename != case_file and not filename.startswith(_OUR_FOLDERS):
            module = os.path.splitext(os.path.basename(filename))[0]
            where = f"{module}.{code.co_name}"
        tb = tb.tb_next
    return where


def first_failure(exc: BaseException) -> BaseException:
    """The failure that decided the case, when clean-up code raised on top of it.

    A case whose check failed often runs ``finally:`` code that raises again
    (closing a half-made object, waiting for a peer); Python chains the check's
    CaseFailure as the new exception's ``__context__``, and the verdict is the
    check's. Likewise a method the loop does not implement, whose clean-up
    trips over the next unimplemented method: the first NotImplementedError is
    the cause. And a wait that gave up (WaitGaveUp) while a failure was being
    handled is that failure's clean-up. Otherwise the newest exception stands (a case may well have
    handled the older one on purpose), as does an explicit ``raise ... from``.
    """
    if isinstance(exc, CaseFailure) and not isinstance(exc, WaitGaveUp):
        return exc
    chain = []
    current: Optional[BaseException] = exc
    while current is not None and current not in chain:
        chain.append(current)
        if current.__suppress_context__:  # raise ... from ...: deliberate
            break
        current = current.__context__
    if isinstance(exc, WaitGaveUp) and len(chain) > 1:
        return first_failure(chain[1])  # the wait was clean-up after that failure
    failures = [e for e in chain if isinstance(e, CaseFailure)]
    if failures:
        return failures[-1]
    if isinstance(chain[-1], NotImplementedError):
        return chain[-1]
    return exc


def _leaf_name(exc: BaseException) -> str:
    return _name(leaf_exception(exc))


def _name(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _collect_leftovers(run: _Run, ctx: CaseContext, caught: list, result: RawResult) -> None:
    """Free what the judging needed, collect it now, and keep its warnings with this case.

    Handler contexts and the case's exception hold frames, which hold the
    case's transports in reference cycles. Collected later, during the next
    case in the same worker, their "unclosed transport" warnings would be
    noted against that case.
    """
    seen = len(caught)
    ctx.handler_calls.clear()
    ctx.traced.clear()
    run.error = None
    run.value = None
    ctx.loop = None  # a loop in reference cycles holds its pending tasks and coroutines
    gc.collect()
    late = [w for w in caught[seen:] if issubclass(w.category, ResourceWarning)]
    if late:
        text = warning_text(late)
        earlier = result.hygiene.get("unclosed")
        result.hygiene["unclosed"] = f"{earlier} | {text}" if earlier else text


def _logging_level_for(case: dict) -> int:
    levels = [
        level_of(w.get("level", "WARNING")) for w in (case.get("expect") or {}).get("logs") or []
    ]
    return min(levels + [logging.WARNING])


def run_case(
    case: dict, new_loop: Callable[[], Any], settings: Optional[HarnessSettings] = None
) -> CaseRun:
    """Run one case (its wire form) on a loop from ``new_loop``."""
    settings = settings or HarnessSettings()
    started = time.perf_counter()
    snapshot = Snapshot.take()
    # Every case starts with "no current loop, set_event_loop(None) called", the
    # state each case's restore() leaves behind; without this the first case of
    # a worker would see another one (get_event_loop() making a loop rather than
    # raising), and a loop that leans on get_event_loop() would pass or fail by
    # the order its cases happened to run in.
    try:
        asyncio.get_event_loop_policy().set_event_loop(None)
    except Exception:
        pass
    # Nor a running loop: one that stays registered as running after its run (a
    # broken loop of an earlier case) would make this case's get_running_loop()
    # return it, and its run_forever() refuse with "another loop is running", so
    # a case could fail, or pass by accident, for what an earlier case left.
    asyncio.events._set_running_loop(None)
    os.environ.update(case.get("env") or {})  # before the factory: loops read defaults there
    try:
        try:
            run = _Run(case, settings)
        except SyntaxError as exc:
            return CaseRun(
                _finish(started, RawResult("error", f"the case does not compile: {exc}"))
            )
        with (
            warnings.catch_warnings(record=True) as caught,
            _LogCapture(_logging_level_for(case)) as logs,
        ):
            warnings.simplefilter("always")
            try:
                ctx = _run_hosted(run, settings) if settings.host else _run_direct(run, new_loop)
            except _FactoryFailed as failed:
                return CaseRun(_finish(started, failed.result))
            finally:
                listen_for_failures(None)
            try:
                result = run.judge(ctx, logs.records, caught)
            except SetupError as exc:
                result = RawResult(
                    "error",
                    f"set-up failed: {exc}",
                    Details(traceback=format_exc(exc)),
                    harness=run.harness_notes,
                    finished=False,  # not judged, so neither is what it left behind
                )
            # Both while warnings are still captured: what the case left (a
            # coroutine it never got to await, say) must not warn during the next
            # case in this worker and be blamed on it.
            snapshot.restore()  # drops a loop the case left current
            _collect_leftovers(run, ctx, caught, result)
        leaks = snapshot.leaks()
        return CaseRun(_finish(started, result), leaks)
    finally:
        # Leaked fds are reported, never closed here: the objects that own them
        # would close them again later, possibly after the number was reused.
        snapshot.reap_children()
        snapshot.restore()


class _FactoryFailed(Exception):
    def __init__(self, result: RawResult) -> None:
        self.result = result


def _new_context(loop: Any, settings: HarnessSettings, case: dict) -> CaseContext:
    ctx = CaseContext(
        loop,
        settings.multiplier,
        machines=settings.machines,
        tls_pems=settings.tls_pems,
        loop_refs=settings.loop_refs,
    )
    # Set by the runner for a case the loop's expectations say fails (not in repro).
    ctx.protocols.patience = case.get("patience")
    # Until the case is judged, a failed check ends every wait of the case.
    listen_for_failures(ctx.protocols.failed)
    return ctx


def _run_direct(run: _Run, new_loop: Callable[[], Any]) -> CaseContext:
    try:
        loop = new_loop()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        raise _FactoryFailed(
            RawResult(
                "error",
                f"the loop factory raised {_name(exc)}",
                Details(traceback=format_exc(exc)),
            )
        ) from None
    ctx = _new_context(loop, run.settings, run.case)
    ctx.log_records = _current_log_records()
    run.install(loop, ctx)
    run.execute(loop, ctx)
    run.settle(loop)
    ctx.protocols.finish()
    run.cleanup_errors = ctx.cleanup()
    run.teardown(loop)
    return ctx


def _run_hosted(run: _Run, settings: HarnessSettings) -> CaseContext:
    """Hand the case's body to the adapter's host, which owns the loop's whole life."""
    box: dict = {}

    async def body(loop: Any) -> None:
        ctx = _new_context(loop, settings, run.case)
        ctx.log_records = _current_log_records()
        box["ctx"] = ctx
        run.install(loop, ctx)
        try:
            await run.execute_hosted(ctx)
        finally:
            # Whatever the host does to the body from here on, the case ran and is judged.
            box["done"] = True
            ctx.protocols.finish()
            run.cleanup_errors = ctx.cleanup()

    assert settings.host is not None
    try:
        settings.host(body)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        if not box.get("done"):
            raise _FactoryFailed(
                RawResult(
                    "error",
                    f"the adapter's host raised {_leaf_name(exc)}",
                    Details(traceback=format_exc(exc)),
                )
            ) from None
        run.teardown_problem = f"the adapter's host raised {_leaf_name(exc)} after the case"
    if "ctx" not in box:
        raise _FactoryFailed(RawResult("error", "the adapter's host never ran the case"))
    gc.collect()
    return box["ctx"]


def _current_log_records() -> list:
    """The record list of the capture currently installed on the asyncio logger."""
    for handler in logging.getLogger("asyncio").handlers:
        if isinstance(handler, _LogCapture):
            return handler.records
    return []


def _finish(started: float, result: RawResult) -> RawResult:
    result.duration_s = round(time.perf_counter() - started, 6)
    return result
