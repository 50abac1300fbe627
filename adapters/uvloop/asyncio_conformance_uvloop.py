"""The asyncio-conformance adapter for uvloop.

asyncio-conformance finds this module through the entry point in
pyproject.toml (group ``asyncio_conformance.adapters``) and calls
``adapter()`` to learn how to build a uvloop loop. Copy this file for your own
loop: change the name, the factory and the distribution name; keep ``setup``,
``teardown`` and ``environment`` unset unless your loop needs them.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from conformance.adapters import Adapter

#: The expectations file: ``expectations.yaml`` beside this module in a source
#: checkout or an editable install, ``<module>.expectations.yaml`` in a wheel.
_HERE = Path(__file__).resolve().parent
_EXPECTATIONS = next(
    (
        p
        for p in (
            _HERE / "expectations.yaml",
            _HERE / "asyncio_conformance_uvloop.expectations.yaml",
        )
        if p.is_file()
    ),
    None,
)


def warm_up() -> None:
    """Per-worker setup: make libuv open its process-wide fds before any case.

    The first uvloop loop in a process makes libuv create a pipe that lives as
    long as the process (the lock of its signal machinery). Without this hook
    the harness would see those two fds appear during whichever case happens
    to run first in a worker and report them as leaked by that case.
    """
    import uvloop

    uvloop.new_event_loop().close()


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
        # Runs once per worker process, before its first loop (see warm_up).
        setup="asyncio_conformance_uvloop:warm_up",
        # Applied to every run of this adapter unless --no-default-expectations.
        expectations=str(_EXPECTATIONS) if _EXPECTATIONS else None,
        # uvloop needs no teardown and no environment variables.
    )
