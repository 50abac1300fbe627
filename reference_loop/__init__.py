"""A complete asyncio event loop in plain Python, written from the asyncio docs.

It exists to show that the specification in ``specs/`` can be implemented, and
to be read by loop authors as an example. Use it like any loop::

    import asyncio, reference_loop
    asyncio.run(main(), loop_factory=reference_loop.new_event_loop)  # 3.12+
"""

from __future__ import annotations

from .loop import ReferenceEventLoop

__all__ = ["ReferenceEventLoop", "new_event_loop", "__version__"]

__version__ = "0.1.0"


def new_event_loop() -> ReferenceEventLoop:
    """Return a new reference loop: the zero-argument factory the harness uses."""
    return ReferenceEventLoop()
