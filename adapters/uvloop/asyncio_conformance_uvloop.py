"""The asyncio-conformance adapter for uvloop.

asyncio-conformance finds this module through the entry point in
pyproject.toml (group ``asyncio_conformance.adapters``) and calls
``adapter()`` to learn how to build a uvloop loop. Copy this file for your own
loop: change the name, the factory and the distribution name; keep ``setup``,
``teardown`` and ``environment`` unset unless your loop needs them.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from conformance.adapters import Adapter, expectations_beside


def adapter() -> Adapter | None:
    """How to make a uvloop loop; None where uvloop cannot be imported (Windows)."""
    try:
        import uvloop  # noqa: F401  (only to learn whether it works here)
    except ImportError:
        return None  # `asyncio-conformance list-loops` then shows it as unavailable
    try:
        loop_version = version("uvloop")
    except PackageNotFoundError:
        loop_version = "unknown"
    return Adapter(
        name="uvloop",
        # Called with no arguments in every worker; returns a new, not running loop.
        factory="uvloop:new_event_loop",
        version=loop_version,
        description="uvloop's event loop (Cython over libuv)",
        # Applied to every run of this adapter unless --no-default-expectations:
        # expectations.yaml beside this module (a checkout or an editable
        # install), or <module>.expectations.yaml where a wheel puts it.
        expectations=expectations_beside(__file__),
        # uvloop needs no set-up, tear-down or environment variables. (The pipe
        # libuv opens for the whole process on first use of signals is found by
        # the harness's own warm-up, which every loop gets.)
    )
