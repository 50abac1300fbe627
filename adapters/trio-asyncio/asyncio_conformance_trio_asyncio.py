"""asyncio-conformance adapters for trio-asyncio: asyncio's API on top of Trio.

Two adapters, because trio-asyncio has two ways to be used:

- ``trio-asyncio`` is the intended one: the loop lives inside ``trio.run()``,
  opened by ``trio_asyncio.open_loop()``. It does not fit "a factory returns
  a loop the caller runs", so the adapter has a ``host``: for each case it
  starts Trio, opens the loop, runs the case's body on it as asyncio code,
  and lets ``open_loop()`` close it. Sync-mode cases, which drive a loop
  with ``run_until_complete()`` themselves, do not apply and are skipped.
- ``trio-asyncio-sync`` is ``SyncTrioEventLoop``, the deprecated variant a
  synchronous program can drive with ``run_until_complete()``: every case
  applies to it.

The template with every field explained is adapters/uvloop.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Awaitable, Callable

from conformance.adapters import Adapter, expectations_beside, installed_adapter


def run_hosted(body: Callable[[Any], Awaitable[None]]) -> None:
    """The host: run ``body(loop)`` as asyncio code on a loop opened inside trio.run()."""
    import trio
    import trio_asyncio

    async def main() -> None:
        async with trio_asyncio.open_loop() as loop:
            await trio_asyncio.aio_as_trio(body)(loop)

    trio.run(main)


def hosted() -> Adapter | None:
    return installed_adapter(
        "trio-asyncio",
        __file__,
        # For reproducers and child Pythons; cases themselves run in the host.
        factory="trio_asyncio:TrioEventLoop",
        host="asyncio_conformance_trio_asyncio:run_hosted",
        description="trio_asyncio.open_loop() inside trio.run(), each case hosted in it",
    )


def sync() -> Adapter | None:
    """The same distribution, driven without a host: its own name and expectations."""
    adapter = hosted()
    if adapter is None:
        return None
    return dataclasses.replace(
        adapter,
        name="trio-asyncio-sync",
        factory="trio_asyncio._sync:SyncTrioEventLoop",
        host=None,
        description="trio_asyncio's SyncTrioEventLoop, driven like a stdlib loop",
        expectations=expectations_beside(__file__, "expectations-sync.yaml"),
    )
