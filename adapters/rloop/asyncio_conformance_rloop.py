"""asyncio-conformance adapter for rloop (https://github.com/gi0baro/rloop).

Copy this file, ``pyproject.toml`` and ``expectations.yaml`` into your loop's
repository, rename ``rloop`` to your loop's name and adjust ``adapter()``.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from conformance.adapters import Adapter, expectations_beside


def adapter() -> Adapter | None:
    """Describe rloop to the harness.

    Everything is text (``module:attribute``), because the harness rebuilds the
    adapter in its worker processes and in standalone reproducers.
    """
    try:
        loop_version = version("rloop")
    except PackageNotFoundError:
        return None  # rloop is not installed here: list-loops shows it as unavailable
    return Adapter(
        name="rloop",
        # rloop.new_event_loop() takes no arguments and returns a new RLoop each call.
        factory="rloop:new_event_loop",
        version=loop_version,
        description="rloop's RLoop, an asyncio event loop written in Rust (PyO3)",
        # rloop needs no per-worker set-up, tear-down or environment variables.
        expectations=expectations_beside(__file__),
    )
