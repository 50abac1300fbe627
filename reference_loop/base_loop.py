"""The part of the event loop that does not know about I/O.

An event loop is a queue of callbacks that are ready, a heap of callbacks that
will be ready at some time, and a way to wait for the outside world in between.
This module holds the first two and everything the docs define purely in terms
of them: running and stopping, scheduling, futures and tasks, executors, the
exception handler, debug mode and asynchronous generator finalization.

How to wait is left to a subclass: ``_poll(timeout)`` must block for at most
``timeout`` seconds (``None`` means until woken), queue the callbacks that the
outside world made ready, and return. ``_wake()`` must make a blocked
``_poll()`` return early, from any thread. ``selector_loop.SelectorLoop`` does
both with the ``selectors`` module.

Everything here goes through public asyncio names, except the two interop
points that every third-party loop needs and that are marked where they occur.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextvars
import heapq
import logging
import os
import sys
import threading
import time
import traceback
import warnings
import weakref
from typing import Any, Callable, Coroutine, TypeVar

from .handles import CallbackHandle, TimerCallbackHandle, new_handle
from .timers import TimerQueue
from .waiters import settle

__all__ = ["BaseReferenceLoop"]

_T = TypeVar("_T")

logger = logging.getLogger("asyncio")

# A poll never sleeps longer than a day; the docs say timeouts should not
# exceed one day, and some pollers cannot express longer waits.
MAX_POLL_TIMEOUT = 24 * 3600.0

# Python 3.11 added the ``context`` keyword to asyncio.Task (and to
# loop.create_task()); the loop accepts it only where the running Python does.
_TASK_ACCEPTS_CONTEXT = sys.version_info >= (3, 11)

_monotonic = time.monotonic
_heappush = heapq.heappush
_heappop = heapq.heappop
_copy_context = contextvars.copy_context


# Context keys holding a stack recorded in debug mode, and how to introduce it.
_TRACEBACK_KEYS = {
    "source_traceback": "Object created at",
    "handle_traceback": "Handle created at",
}


def _debug_default() -> bool:
    """The debug flag a new loop starts with.

    Clauses: ``loop.get_debug/default-from-environment``,
    ``loop.get_debug/dev-mode-enables``.
    """
    if sys.flags.dev_mode:
        return True
    if sys.flags.ignore_environment:
        return False
    return bool(os.environ.get("PYTHONASYNCIODEBUG"))


def _describe_callback(callback: object) -> str:
    """A short, readable name for a callback, for log and error messages."""
    inner = callback
    while hasattr(inner, "func") and hasattr(inner, "args"):  # functools.partial
        inner = inner.func  # type: ignore[attr-defined]
    name = getattr(inner, "__qualname__", None) or getattr(inner, "__name__", None)
    return name if name else repr(callback)


class BaseReferenceLoop(asyncio.AbstractEventLoop):
    """Callbacks, timers, running/stopping, tasks, executors, errors, debug.

    Why a separate class: the ready queue and the timer heap are the whole
    scheduling contract of the docs and can be read without any I/O code in
    the way. Subclasses add how to wait (``_poll``/``_wake``).
    """

    # ``loop.time/float``, ``loop.time/monotonic``: the loop's clock is
    # time.monotonic(). A builtin
    # function stored on the class is not bound to the instance, so
    # ``loop.time()`` calls it directly; subclasses may still override it.
    time = _monotonic

    def __init__(self) -> None:
        self._closed = False
        self._stopping = False
        self._thread_id: int | None = None
        # Ready callbacks, run first in, first out (``loop.call_soon/fifo-order``).
        self._ready: collections.deque[CallbackHandle | TimerCallbackHandle] = collections.deque()
        self._timers = TimerQueue()
        self._clock_resolution = time.get_clock_info("monotonic").resolution
        self._debug = _debug_default()
        self.slow_callback_duration = 0.1
        self._exception_handler: Callable[[Any, dict[str, Any]], object] | None = None
        self._task_factory: Callable[..., Any] | None = None
        self._default_executor: concurrent.futures.ThreadPoolExecutor | None = None
        self._executor_shutdown_called = False
        self._asyncgens: weakref.WeakSet[Any] = weakref.WeakSet()
        self._asyncgens_shutdown_called = False
        self._saved_asyncgen_hooks: Any = None
        self._saved_origin_tracking_depth: int | None = None

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} running={self.is_running()} "
            f"closed={self.is_closed()} debug={self.get_debug()}>"
        )

    # -- waiting: provided by a subclass -------------------------------------

    def _poll(self, timeout: float | None) -> None:
        """Wait up to ``timeout`` seconds for the outside world; queue what it made ready."""
        raise NotImplementedError

    def _wake(self) -> None:
        """Make a blocked ``_poll()`` return; callable from any thread."""
        raise NotImplementedError

    # -- running and stopping ------------------------------------------------

    def run_forever(self) -> None:
        """Run until ``stop()`` (docs: loop.run_forever).

        The stop flag is only looked at after a whole batch, which gives both
        documented cases: ``stop()`` before ``run_forever()`` (one poll with a
        zero timeout, one batch, exit) and ``stop()`` while running
        (finish the batch, leave callbacks it scheduled for the next run).

        Clauses: ``loop.run_forever/runs-until-stop``, ``loop.run_forever/stop-before-run``,
        ``loop.run_forever/stop-while-running``,
        ``loop.run_forever/run-forever-while-running``,
        ``loop.run_forever/another-loop-running``.
        """
        self._enter_running()
        try:
            run_once = self._run_once
            while True:
                run_once()
                if self._stopping:
                    break
        finally:
            self._leave_running()

    def run_until_complete(self, future: Any) -> Any:
        """Run until ``future`` is done; return its result or raise its exception.

        Docs: loop.run_until_complete (a coroutine is wrapped in a Task).

        Clauses: ``loop.run_until_complete/runs-until-future-done``,
        ``loop.run_until_complete/coroutine-wrapped-in-task``,
        ``loop.run_until_complete/task-factory-applies``,
        ``loop.run_until_complete/awaitable-accepted``,
        ``loop.run_until_complete/non-awaitable-rejected``,
        ``loop.run_until_complete/returns-result-or-raises``,
        ``loop.run_until_complete/foreign-future-rejected``,
        ``loop.run_until_complete/already-running-raises``,
        ``loop.run_until_complete/another-loop-running-raises``,
        ``loop.run_until_complete/stopped-before-done-raises``,
        ``loop.run_until_complete/base-exceptions-propagate``.
        """
        self._check_closed()
        self._check_not_running()
        wrapped_here = not asyncio.isfuture(future)
        if asyncio.iscoroutine(future) and self._task_factory is None:
            future = _RunUntilCompleteTask(future, loop=self)
        else:
            future = asyncio.ensure_future(future, loop=self)
        future.add_done_callback(self._stop_when_done)
        try:
            self.run_forever()
        except BaseException:
            if wrapped_here and future.done() and not future.cancelled():
                # The caller never sees the task we made, so its exception
                # must not be reported later as "never retrieved".
                future.exception()
            raise
        finally:
            future.remove_done_callback(self._stop_when_done)
        if not future.done():
            raise RuntimeError("Event loop stopped before Future completed.")
        return future.result()

    def _stop_when_done(self, future: asyncio.Future[Any]) -> None:
        if not future.cancelled():
            exc = future.exception()
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                # That exception already left run_forever() on its own.
                return
        self.stop()

    def stop(self) -> None:
        """Ask ``run_forever()`` to return after the current batch (``loop.stop``).

        Clauses: ``loop.stop/stops-the-loop``, ``loop.stop/stop-ends-one-run``.
        """
        self._stopping = True

    def is_running(self) -> bool:
        """``loop.is_running``.

        Clauses: ``loop.is_running/true-while-running``.
        """
        return self._thread_id is not None

    def is_closed(self) -> bool:
        """``loop.is_closed``.

        Clauses: ``loop.is_closed/true-after-close``.
        """
        return self._closed

    def close(self) -> None:
        """Close the loop (docs: loop.close).

        Pending callbacks and timers are dropped, the default executor is shut
        down without waiting for it
        (``loop.set_default_executor/close-shuts-down-executor``), and closing
        twice does nothing. Closing a running loop is a RuntimeError.
        """
        if self.is_running():
            raise RuntimeError("Cannot close a running event loop")
        if self._closed:
            return
        if self._debug:
            logger.debug("Close %r", self)
        self._closed = True
        self._ready.clear()
        self._timers.clear()
        self._executor_shutdown_called = True
        executor, self._default_executor = self._default_executor, None
        if executor is not None:
            executor.shutdown(wait=False)

    def __del__(self, _warn: Callable[..., None] = warnings.warn) -> None:
        if not getattr(self, "_closed", True):
            _warn(f"unclosed event loop {self!r}", ResourceWarning, source=self)
            if not self.is_running():
                self.close()

    def _check_closed(self) -> None:
        if self._closed:
            raise RuntimeError("Event loop is closed")

    def _check_not_running(self) -> None:
        if self._thread_id is not None:
            raise RuntimeError("This event loop is already running")
        # Interop point: asyncio._get_running_loop() is in asyncio's __all__
        # and is the only way to learn whether another loop runs in this thread.
        if asyncio._get_running_loop() is not None:
            raise RuntimeError("Cannot run the event loop while another loop is running")

    def _enter_running(self) -> None:
        self._check_closed()
        self._check_not_running()
        self._thread_id = threading.get_ident()
        self._saved_asyncgen_hooks = sys.get_asyncgen_hooks()
        sys.set_asyncgen_hooks(
            firstiter=self._asyncgen_first_iteration, finalizer=self._asyncgen_finalize
        )
        if self._debug:
            self._track_coroutine_origins(True)
        # Interop point: asyncio._set_running_loop() (in asyncio's __all__) is
        # how get_running_loop(), Task and Future learn which loop runs here.
        asyncio._set_running_loop(self)

    def _leave_running(self) -> None:
        self._stopping = False
        self._thread_id = None
        asyncio._set_running_loop(None)  # interop point, see _enter_running()
        self._track_coroutine_origins(False)
        if self._saved_asyncgen_hooks is not None:
            sys.set_asyncgen_hooks(*self._saved_asyncgen_hooks)
            self._saved_asyncgen_hooks = None

    # -- one iteration -------------------------------------------------------

    def _poll_timeout(self) -> float | None:
        """How long the next poll may block.

        Zero when a callback is ready or a stop is pending
        (``loop.run_forever/stop-before-run`` polls with a zero timeout), the
        time to the earliest live timer otherwise, ``None`` (forever) when
        there is nothing at all.
        Cancelled timers at the head of the heap are dropped first, so that
        they never shorten a wait.
        """
        if self._ready or self._stopping:
            return 0
        deadline = self._timers.next_deadline()
        if deadline is None:
            return None
        timeout = deadline - self.time()
        if timeout <= 0:
            return 0
        return timeout if timeout < MAX_POLL_TIMEOUT else MAX_POLL_TIMEOUT

    def _run_once(self) -> None:
        """Poll, move due timers to the ready queue, run one batch of callbacks."""
        self._poll(self._poll_timeout())

        ready = self._ready
        timers = self._timers
        if timers:
            # A timer is due when its deadline is within one clock tick:
            # otherwise a poll that wakes a hair early would spin.
            timers.pop_due(self.time() + self._clock_resolution, ready)

        # Only the callbacks queued before this point run in this batch.
        count = len(ready)
        if not count:
            return
        if self._debug:
            self._run_batch_debug(count)
            return
        popleft = ready.popleft
        for _ in range(count):
            handle = popleft()
            callback = handle.cb
            if callback is None:  # cancelled (see handles.CallbackHandle)
                continue
            try:
                handle.cb_context.run(callback, *handle.cb_args)
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                self._report_callback_error(handle, exc)

    def _run_batch_debug(self, count: int) -> None:
        """The same batch, timed: ``debug.slow-callback-logged/slow-callback-warning``."""
        popleft = self._ready.popleft
        while count:
            count -= 1
            handle = popleft()
            if handle.cb is None:  # cancelled (see handles.CallbackHandle)
                continue
            started = self.time()
            try:
                handle.cb_context.run(handle.cb, *handle.cb_args)
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                self._report_callback_error(handle, exc)
            elapsed = self.time() - started
            if elapsed >= self.slow_callback_duration:
                logger.warning("Executing %r took %.3f seconds", handle, elapsed)

    def _report_callback_error(self, handle: asyncio.Handle, exc: BaseException) -> None:
        callback = getattr(handle, "cb", None)
        self.call_exception_handler(
            {
                "message": f"Exception in callback {_describe_callback(callback)}",
                "exception": exc,
                "handle": handle,
            }
        )

    # -- scheduling ----------------------------------------------------------

    def call_soon(
        self,
        callback: Callable[..., object],
        *args: Any,
        context: contextvars.Context | None = None,
    ) -> asyncio.Handle:
        """Queue ``callback(*args)`` for the next iteration.

        Clauses: ``loop.call_soon/fifo-order``, ``loop.call_soon/exactly-once``,
        ``loop.call_soon/custom-context``, ``loop.call_soon/current-context-by-default``,
        ``loop.call_soon/returns-handle``.
        """
        if self._closed:
            raise RuntimeError("Event loop is closed")
        if self._debug:
            self._check_thread()
            self._check_callback(callback, "call_soon")
        # handles.new_handle(), inlined: this is the loop's hottest path.
        if context is None:
            context = _copy_context()
        handle = CallbackHandle(callback, args, self, context)
        handle.cb = callback
        handle.cb_args = args
        handle.cb_context = context
        self._ready.append(handle)
        return handle

    def call_soon_threadsafe(
        self,
        callback: Callable[..., object],
        *args: Any,
        context: contextvars.Context | None = None,
    ) -> asyncio.Handle:
        """``call_soon()`` from any thread: queue, then wake the poller.

        ``deque.append`` is atomic, so no lock is needed
        (``loop.call_soon_threadsafe/from-another-thread``); a closed loop
        raises RuntimeError from any thread
        (``loop.call_soon_threadsafe/closed-loop-runtime-error``).
        """
        self._check_closed()
        if self._debug:
            self._check_callback(callback, "call_soon_threadsafe")
        handle = new_handle(callback, args, self, context)
        self._ready.append(handle)
        self._wake()
        return handle

    def call_later(
        self,
        delay: float,
        callback: Callable[..., object],
        *args: Any,
        context: contextvars.Context | None = None,
    ) -> asyncio.TimerHandle:
        """``call_at(time() + delay, ...)`` (``loop.call_later/returns-timer-handle``)."""
        if delay is None:
            raise TypeError("delay must not be None")
        return self.call_at(self.time() + delay, callback, *args, context=context)

    def call_at(
        self,
        when: float,
        callback: Callable[..., object],
        *args: Any,
        context: contextvars.Context | None = None,
    ) -> asyncio.TimerHandle:
        """Schedule ``callback(*args)`` at loop time ``when`` (``loop.call_at/absolute-when``)."""
        if when is None:
            raise TypeError("when cannot be None")
        if self._closed:
            raise RuntimeError("Event loop is closed")
        if self._debug:
            self._check_thread()
            self._check_callback(callback, "call_at")
        # handles.new_timer_handle(), inlined.
        if context is None:
            context = _copy_context()
        handle = TimerCallbackHandle(when, callback, args, self, context)
        handle.cb = callback
        handle.cb_args = args
        handle.cb_context = context
        handle.next_timer = None
        self._timers.push(when, handle)
        return handle

    def _timer_handle_cancelled(self, handle: asyncio.TimerHandle) -> None:
        # Interop point: the public TimerHandle.cancel() calls this method on
        # its loop, so every loop has to provide it. The heap is swept lazily.
        if isinstance(handle, TimerCallbackHandle):
            self._timers.note_cancelled(handle)

    def _check_thread(self) -> None:
        """Refuse non-threadsafe calls from another thread (debug mode).

        Clause: ``debug.wrong-thread-raises/raises-from-wrong-thread``.
        """
        if self._thread_id is not None and threading.get_ident() != self._thread_id:
            raise RuntimeError(
                "Non-thread-safe operation invoked on an event loop other than the current one"
            )

    @staticmethod
    def _check_callback(callback: object, method: str) -> None:
        if asyncio.iscoroutine(callback) or asyncio.iscoroutinefunction(callback):
            raise TypeError(f"coroutines cannot be used with {method}()")
        if not callable(callback):
            raise TypeError(f"a callable object was expected by {method}(), got {callback!r}")

    # -- futures and tasks ---------------------------------------------------

    def create_future(self) -> asyncio.Future[Any]:
        """An ``asyncio.Future`` bound to this loop (``loop.create_future/attached-to-loop``).

        The loop reuses the built-in Future and Task, as the docs' "Extending"
        chapter allows (``Future.__init__/built-in-future-on-this-loop``,
        ``Task.__init__/built-in-task-on-this-loop``): they register, enter
        and leave their tasks themselves (``task-lifetime.visibility``), so
        the loop's part is to mark itself running (``_enter_running()``) and
        to run each callback in the context it was scheduled with.
        """
        return asyncio.Future(loop=self)

    def create_task(
        self,
        coro: Coroutine[Any, Any, _T],
        *,
        name: str | None = None,
        context: contextvars.Context | None = None,
    ) -> asyncio.Task[_T]:
        """Wrap ``coro`` in a task, through the task factory if one is set.

        Clauses: ``loop.create_task/returns-task``, ``loop.set_task_factory/factory-is-used``.
        """
        self._check_closed()
        if context is not None and not _TASK_ACCEPTS_CONTEXT:
            raise TypeError("create_task() got an unexpected keyword argument 'context'")
        factory = self._task_factory
        if factory is None:
            if context is None:
                return asyncio.Task(coro, loop=self, name=name)
            return asyncio.Task(coro, loop=self, name=name, context=context)
        if context is None:
            task = factory(self, coro)
        else:
            task = factory(self, coro, context=context)
        if name is not None:
            task.set_name(name)
        return task

    def set_task_factory(self, factory: Callable[..., Any] | None) -> None:
        """A ``(loop, coro)`` callable, or None for the default.

        Clauses: ``loop.set_task_factory/factory-is-used``,
        ``loop.set_task_factory/returns-factory-object``, ``loop.set_task_factory/none-resets``,
        ``loop.set_task_factory/non-callable-rejected``.
        """
        if factory is not None and not callable(factory):
            raise TypeError("task factory must be a callable or None")
        self._task_factory = factory

    def get_task_factory(self) -> Callable[..., Any] | None:
        """The factory, or None for the default.

        Clause: ``loop.get_task_factory/returns-factory-or-none``.
        """
        return self._task_factory

    # -- executors -----------------------------------------------------------

    def run_in_executor(
        self, executor: concurrent.futures.Executor | None, func: Callable[..., _T], *args: Any
    ) -> asyncio.Future[_T]:
        """Run ``func(*args)`` in ``executor`` or the default thread pool.

        Clause: ``loop.run_in_executor/default-executor``.
        """
        self._check_closed()
        if self._debug:
            self._check_callback(func, "run_in_executor")
        if executor is None:
            if self._executor_shutdown_called:
                raise RuntimeError("Executor shutdown has been called")
            executor = self._default_executor
            if executor is None:
                executor = concurrent.futures.ThreadPoolExecutor(thread_name_prefix="asyncio")
                self._default_executor = executor
        return asyncio.wrap_future(executor.submit(func, *args), loop=self)

    def set_default_executor(self, executor: concurrent.futures.ThreadPoolExecutor) -> None:
        """Anything but a ThreadPoolExecutor is a TypeError.

        Clauses: ``loop.set_default_executor/thread-pool-only``,
        ``loop.set_default_executor/thread-pool-only-type-error`` (required from
        Python 3.11, as the 3.11 docs say; this loop refuses on every Python,
        where 3.9 and 3.10's own loop only warns).
        """
        if not isinstance(executor, concurrent.futures.ThreadPoolExecutor):
            raise TypeError("executor must be ThreadPoolExecutor instance")
        self._default_executor = executor

    async def shutdown_default_executor(self, timeout: float | None = None) -> None:
        """Wait (in a helper thread) for the default executor to finish its work.

        The loop keeps running meanwhile; with no default executor it returns
        at once. After this, ``run_in_executor(None, ...)`` raises RuntimeError
        (``loop.shutdown_default_executor/joins-default-executor-threads``,
        ``.../loop-runs-while-joining``, ``.../no-default-executor``,
        ``.../run-in-executor-refused-after``). ``timeout`` is 3.12's (see
        docs/not-yet-specified.md).
        """
        self._executor_shutdown_called = True
        executor = self._default_executor
        if executor is None:
            return
        done = self.create_future()

        def join_executor() -> None:
            try:
                executor.shutdown(wait=True)
            except BaseException as exc:  # pragma: no cover - shutdown rarely fails
                outcome: tuple[BaseException | None] = (exc,)
            else:
                outcome = (None,)
            if not self._closed:
                try:
                    self.call_soon_threadsafe(settle, done, outcome[0])
                except RuntimeError:  # closed meanwhile
                    pass

        thread = threading.Thread(target=join_executor, name="asyncio-executor-shutdown")
        thread.start()
        try:
            finished, _ = await asyncio.wait({done}, timeout=timeout)
            if not finished:
                warnings.warn(
                    f"The default executor did not finish joining its threads within {timeout} seconds.",
                    RuntimeWarning,
                    stacklevel=2,
                )
                executor.shutdown(wait=False)
            else:
                thread.join()
                done.result()
        finally:
            if not done.done():
                done.cancel()

    # -- errors --------------------------------------------------------------

    def get_exception_handler(self) -> Callable[[Any, dict[str, Any]], object] | None:
        """None while the default is in use (``loop.get_exception_handler/none-by-default``)."""
        return self._exception_handler

    def set_exception_handler(
        self, handler: Callable[[Any, dict[str, Any]], object] | None
    ) -> None:
        """A ``(loop, context)`` callable, or None for the default.

        Clauses: ``loop.set_exception_handler/sets-the-handler``,
        ``loop.set_exception_handler/none-restores-default``,
        ``loop.set_exception_handler/non-callable-raises-type-error``.
        """
        if handler is not None and not callable(handler):
            raise TypeError(f"A callable object or None is expected, got {handler!r}")
        self._exception_handler = handler

    def default_exception_handler(self, context: dict[str, Any]) -> None:
        """Log ``context`` at ERROR on the ``asyncio`` logger, with its traceback.

        Clauses: ``loop.default_exception_handler/logs-at-error-level``,
        ``loop.default_exception_handler/logs-other-context-keys``.
        """
        message = context.get("message") or "Unhandled exception in event loop"
        exc = context.get("exception")
        exc_info: Any = (type(exc), exc, exc.__traceback__) if exc is not None else False
        lines = [message]
        for key in sorted(context):
            if key in ("message", "exception"):
                continue
            value = context[key]
            if key in _TRACEBACK_KEYS:
                # A list of frames recorded in debug mode (Future and Task keep
                # one under "source_traceback"): show it as a stack.
                stack = "".join(traceback.format_list(value)).rstrip()
                lines.append(f"{key}: {_TRACEBACK_KEYS[key]} (most recent call last):\n{stack}")
            else:
                lines.append(f"{key}: {value!r}")
        logger.error("\n".join(lines), exc_info=exc_info)

    def call_exception_handler(self, context: dict[str, Any]) -> None:
        """Hand ``context`` to the custom handler, or to the default one.

        A failing custom handler is reported through the default handler; a
        failing default handler is logged. Neither failure escapes
        (``loop.call_exception_handler/handler-error-logged``). The custom handler runs
        in the context of the task, future or handle that the report is about,
        when it has one.
        """
        handler = self._exception_handler
        if handler is None:
            try:
                self.default_exception_handler(context)
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException:
                logger.error("Exception in default exception handler", exc_info=True)
            return
        try:
            subject = context.get("task") or context.get("future") or context.get("handle")
            get_context = getattr(subject, "get_context", None)
            run_in: Any = get_context() if get_context is not None else None
            if run_in is not None and hasattr(run_in, "run"):
                run_in.run(handler, self, context)
            else:
                handler(self, context)
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            try:
                self.default_exception_handler(
                    {
                        "message": "Unhandled error in exception handler",
                        "exception": exc,
                        "context": context,
                    }
                )
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException:
                logger.error(
                    "Exception in default exception handler while handling an "
                    "error raised by the custom exception handler",
                    exc_info=True,
                )

    # -- debug mode ----------------------------------------------------------

    def get_debug(self) -> bool:
        """The debug flag: from PYTHONASYNCIODEBUG or ``-X dev`` until set_debug().

        Clauses: ``loop.get_debug/returns-bool``, ``loop.get_debug/default-from-environment``,
        ``loop.get_debug/dev-mode-enables``, ``loop.get_debug/reflects-set-debug``.
        """
        return self._debug

    def set_debug(self, enabled: bool) -> None:
        """``loop.set_debug/sets-the-mode``."""
        self._debug = bool(enabled)
        if self.is_running():
            self.call_soon_threadsafe(self._track_coroutine_origins, self._debug)

    def _track_coroutine_origins(self, enabled: bool) -> None:
        """In debug mode, remember where coroutines were created (for warnings)."""
        if enabled and self._saved_origin_tracking_depth is None:
            self._saved_origin_tracking_depth = sys.get_coroutine_origin_tracking_depth()
            sys.set_coroutine_origin_tracking_depth(10)
        elif not enabled and self._saved_origin_tracking_depth is not None:
            sys.set_coroutine_origin_tracking_depth(self._saved_origin_tracking_depth)
            self._saved_origin_tracking_depth = None

    # -- asynchronous generators ---------------------------------------------

    def _asyncgen_first_iteration(self, agen: Any) -> None:
        if self._asyncgens_shutdown_called:
            warnings.warn(
                f"asynchronous generator {agen!r} was scheduled after "
                "loop.shutdown_asyncgens() call",
                ResourceWarning,
                stacklevel=2,
                source=self,
            )
        self._asyncgens.add(agen)

    def _asyncgen_finalize(self, agen: Any) -> None:
        # Called by the garbage collector, possibly from another thread.
        self._asyncgens.discard(agen)
        if not self._closed:
            self.call_soon_threadsafe(self.create_task, agen.aclose())

    async def shutdown_asyncgens(self) -> None:
        """Close every open asynchronous generator (``loop.shutdown_asyncgens``).

        Generators first iterated afterwards cause a ResourceWarning
        (docs: loop.shutdown_asyncgens).

        Clauses: ``loop.shutdown_asyncgens/closes-open-generators``,
        ``loop.shutdown_asyncgens/aclose-error-reported``,
        ``loop.shutdown_asyncgens/warns-after-shutdown``.
        """
        self._asyncgens_shutdown_called = True
        if not self._asyncgens:
            return
        agens = list(self._asyncgens)
        self._asyncgens.clear()
        results = await asyncio.gather(*(agen.aclose() for agen in agens), return_exceptions=True)
        for agen, result in zip(agens, results):
            if isinstance(result, Exception):
                self.call_exception_handler(
                    {
                        "message": f"an error occurred during closing of asynchronous generator {agen!r}",
                        "exception": result,
                        "asyncgen": agen,
                    }
                )


class _RunUntilCompleteTask(asyncio.Task):  # type: ignore[type-arg]
    """The task ``run_until_complete()`` wraps a bare coroutine in.

    If the loop stops before it finishes, the caller gets a RuntimeError and
    never sees the task, so the usual "Task was destroyed but it is pending!"
    report when it is collected would only repeat that error. The docs allow a
    loop its own Task subclass (``loop.create_task/returns-task``).
    """

    def __del__(self) -> None:
        if self.done():
            super().__del__()
