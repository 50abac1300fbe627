"""asyncio-conformance adapter for veloxloop, an asyncio event loop in Rust (io_uring).

The template with every field explained is adapters/uvloop; this one only
says what is particular to veloxloop: nothing. ``veloxloop.new_event_loop()``
takes no arguments and returns a new loop, which is all the harness needs.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from conformance.adapters import Adapter, expectations_beside


def adapter() -> Adapter | None:
    try:
        loop_version = version("veloxloop")
    except PackageNotFoundError:
        return None  # not installed here: list-loops shows the loop as unavailable
    return Adapter(
        name="veloxloop",
        factory="veloxloop:new_event_loop",
        version=loop_version,
        description="veloxloop's VeloxLoop (Rust, PyO3, io_uring)",
        expectations=expectations_beside(__file__),
    )
