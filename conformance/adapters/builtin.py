"""The stdlib loops: the default policy's loop and one per available selector.

Each entry point below is a zero-argument function returning an Adapter, so
that listing loops imports nothing heavy.
"""

from __future__ import annotations

import asyncio
import platform
import selectors
from pathlib import Path

from .base import Adapter

#: One file per spec section, so that each can be reviewed with its specs.
STDLIB_EXPECTATIONS = str(Path(__file__).with_name("stdlib-expectations"))


def _stdlib(name: str, factory: str, description: str) -> Adapter:
    return Adapter(
        name=name,
        factory=factory,
        version=platform.python_version(),
        description=description,
        expectations=STDLIB_EXPECTATIONS,
    )


def stdlib_default() -> Adapter:
    return _stdlib(
        "asyncio",
        "asyncio:new_event_loop",
        "the loop asyncio.new_event_loop() returns under the default policy",
    )


def _selector_loop(selector_class: type) -> asyncio.AbstractEventLoop:
    return asyncio.SelectorEventLoop(selector_class())


def select_loop() -> asyncio.AbstractEventLoop:
    return _selector_loop(selectors.SelectSelector)


def poll_loop() -> asyncio.AbstractEventLoop:
    return _selector_loop(selectors.PollSelector)


def epoll_loop() -> asyncio.AbstractEventLoop:
    return _selector_loop(selectors.EpollSelector)


def _selector_adapter(kind: str, attr: str) -> Adapter | None:
    if not hasattr(selectors, attr):
        return None  # this platform lacks the selector
    return _stdlib(
        f"asyncio-{kind}",
        f"conformance.adapters.builtin:{kind}_loop",
        f"asyncio.SelectorEventLoop(selectors.{attr}())",
    )


def stdlib_select() -> Adapter | None:
    return _selector_adapter("select", "SelectSelector")


def stdlib_poll() -> Adapter | None:
    return _selector_adapter("poll", "PollSelector")


def stdlib_epoll() -> Adapter | None:
    return _selector_adapter("epoll", "EpollSelector")


def reference() -> Adapter:
    """The bundled reference loop: no expectations, it must pass every case."""
    import reference_loop

    return Adapter(
        name="reference",
        factory="reference_loop:new_event_loop",
        version=reference_loop.__version__,
        description="the reference loop in reference_loop/, written from the docs",
    )
