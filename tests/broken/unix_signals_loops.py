"""Loops that each break one documented behaviour of add_signal_handler/remove_signal_handler."""

from __future__ import annotations

import asyncio
import functools
import signal


class ArgsDroppedLoop(asyncio.SelectorEventLoop):
    """The signal callback is called without the *args given to add_signal_handler."""

    def add_signal_handler(self, sig, callback, *args):  # type: ignore[override]
        super().add_signal_handler(sig, functools.partial(lambda cb: cb(), callback))


class RemoveReturnsNoneLoop(asyncio.SelectorEventLoop):
    """remove_signal_handler removes the handler but returns None instead of True/False."""

    def remove_signal_handler(self, sig):  # type: ignore[override]
        super().remove_signal_handler(sig)


class InvalidSignalRuntimeErrorLoop(asyncio.SelectorEventLoop):
    """An invalid signal number raises RuntimeError instead of ValueError."""

    def add_signal_handler(self, sig, callback, *args):  # type: ignore[override]
        if sig not in signal.valid_signals():
            raise RuntimeError(f"bad signal {sig}")
        super().add_signal_handler(sig, callback, *args)
