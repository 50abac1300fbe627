"""asyncio-conformance adapter for asyncio-gevent: asyncio's loop on gevent's hub.

The template with every field explained is adapters/uvloop.

``asyncio_gevent.EventLoop`` is the stdlib's selector loop with gevent's
selector, so the harness applies the stdlib's expectations too. The adapter
does *not* call ``gevent.monkey.patch_all()``, which asyncio-gevent's README
recommends for applications: patching would turn the harness's own peer
threads and blocking sockets into greenlets scheduled by the loop under
test, and the peers would no longer be independent of it. The loop itself
needs no patching to run.
"""

from __future__ import annotations

from conformance.adapters import Adapter, installed_adapter, installed_version


def adapter() -> Adapter | None:
    gevent_version = installed_version("gevent")
    if gevent_version is None:
        return None
    return installed_adapter(
        "asyncio-gevent",
        __file__,
        factory="asyncio_gevent:EventLoop",
        description=f"asyncio_gevent.EventLoop on gevent {gevent_version} (not monkey-patched)",
        stdlib_based=True,
    )
