"""Small loops for the project's own tests: broken ones, hanging ones, crashing ones.

Each breaks exactly one thing, so a test can show that the suite notices.
"""

from __future__ import annotations

import _socket
import asyncio
import os
import signal
import time
from typing import Callable


class LifoLoop(asyncio.SelectorEventLoop):
    """call_soon runs callbacks in reverse order within a batch."""

    def call_soon(self, callback, *args, context=None):  # type: ignore[override]
        handle = super().call_soon(callback, *args, context=context)
        ready = self._ready  # the stdlib's private queue: fine for a deliberately broken test loop
        ready.rotate(1)
        return handle


def lifo_loop() -> asyncio.AbstractEventLoop:
    return LifoLoop()


def hanging_factory() -> asyncio.AbstractEventLoop:
    """Never returns a loop: the worker is stuck before the case even starts."""
    while True:
        signal.pause()


class SegfaultingLoop(asyncio.SelectorEventLoop):
    def call_soon(self, *args, **kwargs):  # type: ignore[override]
        import ctypes

        ctypes.string_at(0)


def segfault_loop() -> asyncio.AbstractEventLoop:
    return SegfaultingLoop()


class ExitingLoop(asyncio.SelectorEventLoop):
    def call_soon(self, *args, **kwargs):  # type: ignore[override]
        os._exit(9)


def exiting_loop() -> asyncio.AbstractEventLoop:
    return ExitingLoop()


def broken_factory() -> asyncio.AbstractEventLoop:
    raise RuntimeError("this factory cannot make a loop")


class _MeddlingPolicy(asyncio.DefaultEventLoopPolicy):
    pass


def policy_changing_loop() -> asyncio.AbstractEventLoop:
    """Installs its own global policy every time it makes a loop."""
    asyncio.set_event_loop_policy(_MeddlingPolicy())
    return asyncio.SelectorEventLoop()


def not_a_loop() -> object:
    """Returns something that is not an event loop at all."""
    return object()


class NoTaskFactoryLoop(asyncio.SelectorEventLoop):
    """A loop without task factories: both methods raise NotImplementedError."""

    def set_task_factory(self, factory):  # type: ignore[override]
        raise NotImplementedError

    def get_task_factory(self):  # type: ignore[override]
        raise NotImplementedError


def no_task_factory_loop() -> asyncio.AbstractEventLoop:
    return NoTaskFactoryLoop()


#: Selectors whose close() LeakyCloseLoop disabled: kept so their fds stay open.
_LEAKED_SELECTORS: list = []


class LeakyCloseLoop(asyncio.SelectorEventLoop):
    """close() leaves the selector's fd (an epoll instance) open."""

    def close(self) -> None:
        selector = self._selector
        if selector is not None:
            _LEAKED_SELECTORS.append(selector)
            selector.close = lambda: None
        super().close()


def leaky_close_loop() -> asyncio.AbstractEventLoop:
    return LeakyCloseLoop()


#: The one pipe OncePerProcessLoop opens for the whole process.
_PROCESS_PIPE: list = []


class OncePerProcessLoop(asyncio.SelectorEventLoop):
    """The first loop of a process opens a pipe that lives as long as the process."""

    def __init__(self) -> None:
        super().__init__()
        if not _PROCESS_PIPE:
            _PROCESS_PIPE.append(os.pipe())


def once_per_process_loop() -> asyncio.AbstractEventLoop:
    return OncePerProcessLoop()


def hosted(body) -> None:
    """An adapter host: runs ``body(loop)`` on a stdlib loop it makes and closes itself."""
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(body(loop))
    finally:
        loop.close()


class HangingRunLoop(asyncio.SelectorEventLoop):
    """run_forever() never returns: every case that runs the loop hangs."""

    def run_forever(self) -> None:  # type: ignore[override]
        while True:
            time.sleep(1)


def hanging_run_loop() -> asyncio.AbstractEventLoop:
    return HangingRunLoop()


class HangingServerLoop(asyncio.SelectorEventLoop):
    """create_server() never returns: the worker is killed in the middle of a case."""

    async def create_server(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
        while True:
            time.sleep(1)  # blocks the loop too, as a stuck native call would


def _missing(name: str) -> property:
    def get(self: object) -> None:
        raise NotImplementedError(f"RaisingLoop.{name}")

    return property(get)


def _raising(name: str) -> Callable[..., None]:
    def method(self: object, *args: object, **kwargs: object) -> None:
        raise NotImplementedError(f"RaisingLoop.{name}")

    method.__name__ = name
    return method


class RaisingLoop(asyncio.AbstractEventLoop):
    """A loop with nothing in it: reading any of its methods raises
    NotImplementedError, and no attribute can be set.

    A case that passes on it never touched the loop under test: it checks
    asyncio's own code, and must be marked loop-independent (see
    tests/test_loop_independence.py). Most methods are properties, not
    functions, so that a case reading the loop's signatures does not pass on
    the abstract class's.
    """

    locals().update(
        {
            name: _missing(name)
            for name in vars(asyncio.AbstractEventLoop)
            if not name.startswith("_")
        }
    )

    # The few methods the harness must find to accept a loop at all: present,
    # taking anything, and raising.
    locals().update(
        {
            name: _raising(name)
            for name in (
                "call_soon",
                "run_until_complete",
                "run_forever",
                "stop",
                "is_running",
                "is_closed",
                "close",
            )
        }
    )

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"RaisingLoop has no attribute {name!r} to set")


def raising_loop() -> asyncio.AbstractEventLoop:
    return RaisingLoop()


class OwnResolverLoop(asyncio.SelectorEventLoop):
    """Resolves with the C functions of _socket, on its own thread: blocking, but out of sight.

    The DNS cases can hold socket.getaddrinfo() and socket.getnameinfo() to
    see whether a loop waits for them; a resolver of a loop's own cannot be
    held, and local names resolve in microseconds. Those cases must then say
    they could not observe the loop (a skip), not pass it.
    """

    async def getaddrinfo(self, host, port, *, family=0, type=0, proto=0, flags=0):  # type: ignore[override]
        return _socket.getaddrinfo(host, port, family, type, proto, flags)

    async def getnameinfo(self, sockaddr, flags=0):  # type: ignore[override]
        return _socket.getnameinfo(sockaddr, flags)

    async def _ensure_resolved(self, address, *, family=0, type=0, proto=0, flags=0, **_):
        # create_connection() and friends resolve here too, not through self.getaddrinfo()
        return _socket.getaddrinfo(*address[:2], family, type, proto, flags)


class NoTimersLoop(asyncio.SelectorEventLoop):
    """call_later() and call_at() hand back handles that never run.

    Broken, but not in the way the DNS cases look for: a case that sees no
    timer fire while a lookup is held must not blame the lookup.
    """

    def call_at(self, when, callback, *args, context=None):  # type: ignore[override]
        return asyncio.TimerHandle(when, callback, args, self, context)
