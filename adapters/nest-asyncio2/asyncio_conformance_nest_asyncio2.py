"""asyncio-conformance adapter for nest-asyncio2: the stdlib loop, patched to be re-entrant.

The template with every field explained is adapters/uvloop. nest-asyncio2 is
not a loop of its own: ``nest_asyncio2.apply(loop)`` patches a stdlib loop so
that ``run_until_complete()`` may be called while it runs (what notebooks
do). The factory makes a stdlib loop and applies the patch, as a notebook
would; the stdlib's expectations apply too.
"""

from __future__ import annotations

import asyncio

from conformance.adapters import Adapter, installed_adapter


def new_event_loop() -> asyncio.AbstractEventLoop:
    """A new stdlib loop with nest-asyncio2's patch applied to it."""
    import nest_asyncio2

    loop = asyncio.new_event_loop()
    nest_asyncio2.apply(loop)
    return loop


def adapter() -> Adapter | None:
    return installed_adapter(
        "nest-asyncio2",
        __file__,
        factory="asyncio_conformance_nest_asyncio2:new_event_loop",
        description="asyncio.new_event_loop() patched by nest_asyncio2.apply()",
        stdlib_based=True,
    )
