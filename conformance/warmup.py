"""The warm-up each worker gives its loop before the first case, and the start-up probe.

Some loops open resources once per process, on first use of a feature, and
keep them until the process ends: libuv's signal pipe, gevent's hub, a
resolver's thread, a thread cache. Seen during a case, they look like that
case's leak. So every worker exercises the common features once on throw-away
loops before its first case, and what they leave becomes part of the baseline
the hygiene checks compare against. (A resource the warm-up does not reach is
caught by the worker's confirmation run instead: see conformance/worker.py.)

The same steps serve the start-up probe (:func:`probe`), which runs in a worker
of its own before any case: it calls the factory once, checks that what comes
back is an event loop, and learns which warm-up steps this loop can take.
A step that raises or hangs there is left out of every worker's warm-up.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
import threading
from typing import Any, Awaitable, Callable

#: Methods the harness itself calls on every loop; a factory's product must have them.
REQUIRED_METHODS = (
    "call_soon",
    "close",
    "is_closed",
    "is_running",
    "run_forever",
    "run_until_complete",
    "stop",
)
#: Seconds one warm-up step may take in the probe before it counts as hung.
STEP_TIMEOUT = 10.0


async def _run(loop: Any) -> None:
    await asyncio.sleep(0)


async def _timers(loop: Any) -> None:
    done = loop.create_future()
    loop.call_later(0.001, done.set_result, None)
    await done


async def _threadsafe(loop: Any) -> None:
    done = loop.create_future()
    thread = threading.Thread(target=loop.call_soon_threadsafe, args=(done.set_result, None))
    thread.start()
    await done
    thread.join()


async def _executor(loop: Any) -> None:
    await loop.run_in_executor(None, int)


async def _dns(loop: Any) -> None:
    await loop.getaddrinfo("127.0.0.1", 0, type=socket.SOCK_STREAM)


async def _sockets(loop: Any) -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        transport, _ = await loop.create_connection(asyncio.Protocol, *listener.getsockname()[:2])
        accepted, _ = listener.accept()
        transport.close()
        await asyncio.sleep(0)
        accepted.close()


async def _signals(loop: Any) -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    loop.add_signal_handler(signal.SIGUSR1, int)
    loop.remove_signal_handler(signal.SIGUSR1)


async def _subprocess(loop: Any) -> None:
    transport, _ = await loop.subprocess_exec(
        asyncio.SubprocessProtocol, sys.executable, "-c", "pass", stdin=None, stdout=None
    )
    while transport.get_returncode() is None:
        await asyncio.sleep(0.01)
    transport.close()


STEPS: dict[str, Callable[[Any], Awaitable[None]]] = {
    "run": _run,
    "timers": _timers,
    "threadsafe": _threadsafe,
    "executor": _executor,
    "dns": _dns,
    "sockets": _sockets,
    "signals": _signals,
    "subprocess": _subprocess,
}


def missing_methods(loop: Any) -> list[str]:
    """The methods a run cannot do without that ``loop`` lacks (or cannot even show)."""

    def has(name: str) -> bool:
        try:
            return callable(getattr(loop, name, None))
        except Exception:  # a property that raises: the method is not there to call
            return False

    return [name for name in REQUIRED_METHODS if not has(name)]


def run_step(
    name: str,
    factory: Callable[[], Any],
    host: Callable[[Callable[[Any], Any]], Any] | None = None,
) -> None:
    """One warm-up step on a throw-away loop; raises whatever the loop raised."""
    step = STEPS[name]
    if host is not None:
        host(step)
        return
    loop = factory()
    try:
        loop.run_until_complete(step(loop))
    finally:
        try:
            loop.close()
        except Exception:
            pass


def warm_up(
    steps: list[str],
    factory: Callable[[], Any],
    host: Callable[[Callable[[Any], Any]], Any] | None = None,
) -> None:
    """Every step the probe found working, quietly: nothing here is a verdict."""
    for name in steps:
        try:
            run_step(name, factory, host)
        except Exception:
            pass
