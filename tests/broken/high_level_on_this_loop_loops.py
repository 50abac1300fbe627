"""Event loops that each break one documented behaviour the high-level APIs rely on.

The high-level functions (asyncio.sleep, wait_for, streams, locks...) are
asyncio's own code; a loop breaks them through what it provides underneath.
Each factory takes no arguments and returns a new loop, for ``--loop
tests.broken.high_level_on_this_loop_loops:<factory>``.
"""

from __future__ import annotations

import asyncio
import asyncio.events


class EagerTimersLoop(asyncio.SelectorEventLoop):
    """call_at() (and so call_later()) ignores the deadline: timers run at the next iteration."""

    def call_at(self, when, callback, *args, context=None):
        return self.call_soon(callback, *args, context=context)


class _ByteDroppingProtocol(asyncio.Protocol):
    """Passes every callback on to the real protocol, but loses the last byte of each chunk."""

    def __init__(self, inner):
        self._inner = inner

    def connection_made(self, transport):
        self._inner.connection_made(transport)

    def data_received(self, data):
        self._inner.data_received(data[:-1])

    def eof_received(self):
        return self._inner.eof_received()

    def connection_lost(self, exc):
        self._inner.connection_lost(exc)

    def pause_writing(self):
        self._inner.pause_writing()

    def resume_writing(self):
        self._inner.resume_writing()


class ByteDroppingLoop(asyncio.SelectorEventLoop):
    """Connections made with create_connection() lose the last byte of every chunk received."""

    async def create_connection(self, protocol_factory, *args, **kwargs):
        inner = []

        def factory():
            inner.append(protocol_factory())
            return _ByteDroppingProtocol(inner[-1])

        transport, _ = await super().create_connection(factory, *args, **kwargs)
        return transport, inner[-1]


class NotRunningLoop(asyncio.SelectorEventLoop):
    """Runs callbacks but does not register itself as the thread's running loop."""

    def run_forever(self):
        self.call_soon(asyncio.events._set_running_loop, None)
        super().run_forever()
