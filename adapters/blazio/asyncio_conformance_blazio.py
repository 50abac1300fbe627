"""asyncio-conformance adapter for blazio (zio.ev), an asyncio event loop for Python 3.12+.

The template with every field explained is adapters/uvloop. blazio only
installs on Python 3.12 and newer; on older Pythons ``adapter()`` returns
None and ``list-loops`` shows the loop as unavailable.
"""

from __future__ import annotations

from conformance.adapters import Adapter, installed_adapter


def adapter() -> Adapter | None:
    # None on Python 3.11 and older, where blazio does not install.
    return installed_adapter("blazio", __file__, factory="blazio:new_event_loop")
