"""asyncio-conformance adapter for blazio (zio.ev), an asyncio event loop for Python 3.12+.

The template with every field explained is adapters/uvloop. blazio only
installs on Python 3.12 and newer; on older Pythons ``adapter()`` returns
None and ``list-loops`` shows the loop as unavailable.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from conformance.adapters import Adapter, expectations_beside


def adapter() -> Adapter | None:
    try:
        loop_version = version("blazio")
    except PackageNotFoundError:
        return None  # blazio needs Python 3.12+
    return Adapter(
        name="blazio",
        factory="blazio:new_event_loop",
        version=loop_version,
        description="blazio's EventLoop (zio.ev)",
        expectations=expectations_beside(__file__),
    )
