"""Event loops that each break one documented behaviour of the futures section.

Each loop's create_future() returns a future of a small asyncio.Future subclass
with one method broken. Each factory takes no arguments and returns a new loop,
for ``--loop tests.broken.futures_loops:<factory>``.
"""

from __future__ import annotations

import asyncio


class _FutureLoop(asyncio.SelectorEventLoop):
    future_class: type = asyncio.Future

    def create_future(self):
        return self.future_class(loop=self)


class CancelReturnsFalseFuture(asyncio.Future):
    """cancel() cancels, but reports False."""

    def cancel(self, *args, **kwargs):
        super().cancel(*args, **kwargs)
        return False


class EagerCallbackFuture(asyncio.Future):
    """add_done_callback() on a done future calls the callback at once."""

    def add_done_callback(self, fn, *, context=None):
        if self.done():
            if context is None:
                fn(self)
            else:
                context.run(fn, self)
        else:
            super().add_done_callback(fn, context=context)


class RemoveReturnsBoolFuture(asyncio.Future):
    """remove_done_callback() returns 1 whenever it removed something, not the count."""

    def remove_done_callback(self, fn):
        return 1 if super().remove_done_callback(fn) else 0


class ResultNoneFuture(asyncio.Future):
    """result() of a pending future returns None instead of raising InvalidStateError."""

    def result(self):
        if not self.done():
            return None
        return super().result()


class ContextBlindFuture(asyncio.Future):
    """add_done_callback() ignores the context argument."""

    def add_done_callback(self, fn, *, context=None):
        super().add_done_callback(fn)


def _loop_with(future_class: type):
    def factory():
        loop = _FutureLoop()
        loop.future_class = future_class
        return loop

    return factory


cancel_returns_false_loop = _loop_with(CancelReturnsFalseFuture)
eager_callback_loop = _loop_with(EagerCallbackFuture)
remove_returns_bool_loop = _loop_with(RemoveReturnsBoolFuture)
result_none_loop = _loop_with(ResultNoneFuture)
context_blind_loop = _loop_with(ContextBlindFuture)
