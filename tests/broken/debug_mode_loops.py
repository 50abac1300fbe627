"""Event loops that each break one documented behaviour of the debug-mode section.

Each factory takes no arguments and returns a new loop, for ``--loop
tests.broken.debug_mode_loops:<factory>``.
"""

from __future__ import annotations

import asyncio


class StickyDebugLoop(asyncio.SelectorEventLoop):
    """set_debug() does nothing once the loop exists: the mode stays what it was at creation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._frozen = True

    def set_debug(self, enabled):
        if not getattr(self, "_frozen", False):
            super().set_debug(enabled)


class IntDebugLoop(asyncio.SelectorEventLoop):
    """get_debug() returns 0 or 1 instead of a bool."""

    def get_debug(self):
        return int(super().get_debug())


class EnvBlindLoop(asyncio.SelectorEventLoop):
    """Starts with debug off whatever PYTHONASYNCIODEBUG and -X dev say."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_debug(False)
