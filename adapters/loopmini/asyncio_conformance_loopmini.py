"""asyncio-conformance adapter for loopmini, an asyncio event loop with a Rust core.

The template with every field explained is adapters/uvloop. loopmini's
``Loop`` derives from ``asyncio.BaseEventLoop``, so the harness finds it to be
built on the stdlib and applies the stdlib's expectations to it as well
(``--stdlib-expectations``); this file says so explicitly.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from conformance.adapters import Adapter, expectations_beside


def adapter() -> Adapter | None:
    try:
        loop_version = version("loopmini")
    except PackageNotFoundError:
        return None
    return Adapter(
        name="loopmini",
        factory="loopmini:new_event_loop",
        version=loop_version,
        description="loopmini's Loop (asyncio.BaseEventLoop with a Rust selector core)",
        expectations=expectations_beside(__file__),
        stdlib_based=True,
    )
