"""asyncio-conformance adapter for rloop (https://github.com/gi0baro/rloop).

Copy this file, ``pyproject.toml`` and ``expectations.yaml`` into your loop's
repository, rename ``rloop`` to your loop's name and adjust ``adapter()``.
"""

from __future__ import annotations

from conformance.adapters import Adapter, installed_adapter


def adapter() -> Adapter | None:
    """Describe rloop to the harness; None where rloop is not installed, which
    ``list-loops`` shows as unavailable.

    Everything is text (``module:attribute``), because the harness rebuilds the
    adapter in its worker processes and in standalone reproducers. The version
    and the description are the installed distribution's, the expectations are
    expectations.yaml beside this file, and rloop needs no per-worker set-up,
    tear-down or environment variables. ``rloop.new_event_loop()`` takes no
    arguments and returns a new RLoop each call.
    """
    return installed_adapter("rloop", __file__, factory="rloop:new_event_loop")
