"""Deliberately broken loops for the obtaining-the-loop specs.

Each loop breaks exactly one documented behaviour, so that
tests/test_broken_loops.py can show which cases catch it (tests/broken_loops.yaml lists them).
"""

from __future__ import annotations

import asyncio
from typing import Any


class UnregisteredLoop(asyncio.SelectorEventLoop):
    """Runs without being registered as the running loop of its thread.

    Breaks: get_running_loop() "Return the running event loop in the current OS
    thread" (its first callback of every run unregisters it).
    """

    def run_forever(self) -> None:
        self.call_soon(asyncio._set_running_loop, None)
        super().run_forever()


class StaleRegistrationLoop(asyncio.SelectorEventLoop):
    """Stays registered as the running loop after run_forever() returns.

    Breaks: "If there is no running event loop a RuntimeError is raised."
    """

    def run_forever(self) -> None:
        super().run_forever()
        asyncio._set_running_loop(self)


class ProxyLoop:
    """A loop that forwards everything to a real loop but is no AbstractEventLoop.

    Breaks: set_event_loop(loop) "Set loop as a current event loop" (the policy
    refuses anything that is not an AbstractEventLoop).
    """

    def __init__(self) -> None:
        self._inner = asyncio.SelectorEventLoop()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def proxy_loop() -> Any:
    return ProxyLoop()
