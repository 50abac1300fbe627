"""asyncio-conformance adapter for veloxloop, an asyncio event loop in Rust (io_uring).

The template with every field explained is adapters/uvloop; this one only
says what is particular to veloxloop: nothing. ``veloxloop.new_event_loop()``
takes no arguments and returns a new loop, which is all the harness needs.
"""

from __future__ import annotations

from conformance.adapters import Adapter, installed_adapter


def adapter() -> Adapter | None:
    return installed_adapter("veloxloop", __file__, factory="veloxloop:new_event_loop")
