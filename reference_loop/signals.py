"""Unix signal handlers that run as ordinary loop callbacks.

A Python-level signal handler runs between two bytecodes of whatever the main
thread was doing, which is no place to touch the loop. Instead the loop asks
the interpreter (``signal.set_wakeup_fd``) to write each signal number into the
loop's self-pipe; the byte wakes the poll, and the loop queues the registered
handle like any other ready callback (docs: loop.add_signal_handler).
The Python-level handler installed with ``signal.signal`` does nothing: it only
exists so that the signal is caught instead of taking its default action.

This is a mixin over ``SelectorLoop``: it needs the self-pipe and the
``_on_wakeup_bytes`` hook, and nothing else.
"""

from __future__ import annotations

import asyncio
import errno
import signal
import sys
from typing import Any, Callable

from .base_loop import logger
from .handles import CallbackHandle, new_handle

__all__ = ["SignalHandlingMixin", "UncatchableSignalError"]


class UncatchableSignalError(ValueError, RuntimeError):
    """Raised for SIGKILL and SIGSTOP, which no process can catch.

    The docs say ValueError ("Raise ValueError if the signal number is invalid
    or uncatchable"); CPython's own loop raises RuntimeError. Being both keeps
    the documented contract and code written against CPython working.
    """


def _ignore_signal(signum: int, frame: Any) -> None:
    """The Python-level handler: the real work happens in the loop."""


class SignalHandlingMixin:
    """``add_signal_handler``/``remove_signal_handler`` for a selector loop."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._signal_handlers: dict[int, CallbackHandle] = {}
        super().__init__(*args, **kwargs)

    @staticmethod
    def _validate_signal(sig: object) -> int:
        if not isinstance(sig, int):
            raise TypeError(f"sig must be an int, not {sig!r}")
        if sig not in signal.valid_signals():
            # docs: "Raise ValueError if the signal number is invalid"
            raise ValueError(f"invalid signal number {sig}")
        return sig

    def add_signal_handler(self, sig: int, callback: Callable[..., object], *args: Any) -> None:
        """Run ``callback(*args)`` in the loop whenever ``sig`` arrives.

        Docs: loop.add_signal_handler. An invalid number is a ValueError; outside
        the main thread a RuntimeError (since
        ``signal.set_wakeup_fd`` refuses). SIGKILL and SIGSTOP raise
        ``UncatchableSignalError``, both a ValueError (the docs) and a
        RuntimeError (what CPython raises).

        Clauses: ``loop.add_signal_handler/callback-runs-in-loop``,
        ``loop.add_signal_handler/may-interact-with-loop``,
        ``loop.add_signal_handler/keyword-arguments-with-partial``,
        ``loop.add_signal_handler/invalid-signal-number``,
        ``loop.add_signal_handler/uncatchable-signal``,
        ``loop.add_signal_handler/uncatchable-signal-rejected``,
        ``loop.add_signal_handler/main-thread-only``,
        ``loop.add_signal_handler/main-thread-runtime-error``.
        """
        if asyncio.iscoroutine(callback) or asyncio.iscoroutinefunction(callback):
            raise TypeError("coroutines cannot be used with add_signal_handler()")
        self._validate_signal(sig)
        self._check_closed()  # type: ignore[attr-defined]
        try:
            signal.set_wakeup_fd(self._signal_wakeup_fd())
        except (ValueError, OSError) as exc:
            raise RuntimeError(str(exc)) from exc

        table = self._signal_handlers
        previous = table.get(sig)
        table[sig] = new_handle(callback, args, self)  # type: ignore[arg-type]
        try:
            signal.signal(sig, _ignore_signal)
            # Let system calls interrupted by this signal resume by themselves.
            signal.siginterrupt(sig, False)
        except OSError as exc:
            if previous is None:
                del table[sig]
            else:
                table[sig] = previous
            if not table:
                self._release_wakeup_fd()
            if exc.errno == errno.EINVAL:
                raise UncatchableSignalError(f"sig {sig:d} cannot be caught") from exc
            raise
        if previous is not None:
            previous.cancel()

    def remove_signal_handler(self, sig: int) -> bool:
        """Restore the default action for ``sig``; True if a handler was set.

        Docs: loop.remove_signal_handler. SIGINT goes back to
        Python's ``default_int_handler`` (KeyboardInterrupt), as at start-up.

        Clauses: ``loop.remove_signal_handler/returns-true-when-removed``,
        ``loop.remove_signal_handler/returns-false-when-none``,
        ``loop.remove_signal_handler/sigint-default-restored``,
        ``loop.remove_signal_handler/invalid-signal-number``.
        """
        self._validate_signal(sig)
        table = self._signal_handlers
        handle = table.pop(sig, None)
        if handle is None:
            return False
        handle.cancel()
        restored = signal.default_int_handler if sig == signal.SIGINT else signal.SIG_DFL
        try:
            signal.signal(sig, restored)
        except OSError as exc:
            if exc.errno == errno.EINVAL:
                raise RuntimeError(f"sig {sig:d} cannot be caught") from exc
            raise
        if not table:
            self._release_wakeup_fd()
        return True

    def _signal_wakeup_fd(self) -> int:
        # The interpreter writes into the sending end; the poll watches the other.
        return self._wake_send.fileno()  # type: ignore[attr-defined]

    def _release_wakeup_fd(self) -> None:
        try:
            signal.set_wakeup_fd(-1)
        except (ValueError, OSError) as exc:
            logger.info("set_wakeup_fd(-1) failed: %s", exc)

    def _on_wakeup_bytes(self, data: bytes) -> None:
        table = self._signal_handlers
        if not table:
            return
        ready = self._ready  # type: ignore[attr-defined]
        for signum in data:
            handle = table.get(signum)
            if handle is None:
                continue
            if handle.cancelled():
                self.remove_signal_handler(signum)
            else:
                ready.append(handle)

    def close(self) -> None:
        """Remove every signal handler this loop set, then close the loop."""
        table = self._signal_handlers
        if table and not self.is_running():  # type: ignore[attr-defined]
            if sys.is_finalizing():
                # Too late to call into the signal module safely.
                logger.debug("Closing %r at interpreter exit: signal handlers left in place", self)
            else:
                for sig in list(table):
                    self.remove_signal_handler(sig)
        super().close()  # type: ignore[misc]
