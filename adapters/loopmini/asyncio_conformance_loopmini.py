"""asyncio-conformance adapter for loopmini, an asyncio event loop with a Rust core.

The template with every field explained is adapters/uvloop. loopmini's
``Loop`` derives from ``asyncio.BaseEventLoop``, so the harness finds it to be
built on the stdlib and applies the stdlib's expectations to it as well
(``--stdlib-expectations``); this file says so explicitly.
"""

from __future__ import annotations

from conformance.adapters import Adapter, installed_adapter


def adapter() -> Adapter | None:
    return installed_adapter(
        "loopmini", __file__, factory="loopmini:new_event_loop", stdlib_based=True
    )
