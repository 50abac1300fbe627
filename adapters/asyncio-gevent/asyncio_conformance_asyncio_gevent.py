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

from importlib.metadata import PackageNotFoundError, version

from conformance.adapters import Adapter, expectations_beside


def adapter() -> Adapter | None:
    try:
        loop_version = version("asyncio-gevent")
        gevent_version = version("gevent")
    except PackageNotFoundError:
        return None
    return Adapter(
        name="asyncio-gevent",
        factory="asyncio_gevent:EventLoop",
        version=loop_version,
        description=f"asyncio_gevent.EventLoop on gevent {gevent_version} (not monkey-patched)",
        expectations=expectations_beside(__file__),
        stdlib_based=True,
    )
