"""The reference loop, assembled from its layers.

Reading bottom-up: ``base_loop`` (callbacks, timers, tasks, errors, debug),
``selector_loop`` (waiting on file descriptors, socket coroutines, DNS),
``signals`` (Unix signal handlers on top of the self-pipe), and part B's
``networking`` (transports, servers, TLS, pipes, subprocesses), which is
written against the public methods of the layers below it only.
"""

from __future__ import annotations

from .child_watcher import close_child_watches
from .networking import NetworkingMixin
from .selector_loop import SelectorLoop
from .signals import SignalHandlingMixin

__all__ = ["ReferenceEventLoop"]


class ReferenceEventLoop(NetworkingMixin, SignalHandlingMixin, SelectorLoop):
    """The complete reference event loop.

    ``selector`` is an optional ``selectors.BaseSelector`` to wait with, as for
    ``asyncio.SelectorEventLoop``.
    """

    def close(self) -> None:
        """Close the loop and release what its child-process watches hold."""
        if not self.is_running() and not self.is_closed():
            close_child_watches(self)
        super().close()
