"""The reference loop, assembled from its layers.

Reading bottom-up:

- ``handles`` and ``timers``: callback handles and the timer heap;
- ``waiters``: settling a future only if nobody gave up on it;
- ``base_loop``: the loop core (callbacks, timers, tasks, errors, debug,
  running and stopping);
- ``selector_loop``: selector I/O (waiting on file descriptors, the socket
  coroutines, DNS, the self-pipe wake-up);
- ``sendfile``: the one procedure behind ``sock_sendfile`` and ``sendfile``;
- ``signals`` (with ``child_watcher``): Unix signal handlers on top of the
  self-pipe, and learning when child processes exit;
- ``transports``: one module per kind of transport (socket streams, the TLS
  layer, datagrams, pipes, subprocesses), on top of the lifecycle they all
  share (``transports.base``) and the reading, writing and flow-control
  rules written once beside it;
- ``server``: the ``asyncio.Server`` object that accepts connections;
- ``networking``: the loop methods that create transports and servers, one
  mixin per concern (connections and start_tls, servers, datagram endpoints,
  pipes, subprocesses, sendfile), written against the public methods of the
  layers below only.

The class below is where those layers are put together.
"""

from __future__ import annotations

from .child_watcher import close_child_watches
from .networking import (
    ConnectionMixin,
    DatagramMixin,
    PipeMixin,
    SendfileMixin,
    ServerMixin,
    SubprocessMixin,
)
from .selector_loop import SelectorLoop
from .signals import SignalHandlingMixin

__all__ = ["ReferenceEventLoop"]


class ReferenceEventLoop(
    ConnectionMixin,
    ServerMixin,
    DatagramMixin,
    PipeMixin,
    SubprocessMixin,
    SendfileMixin,
    SignalHandlingMixin,
    SelectorLoop,
):
    """The complete reference event loop.

    ``selector`` is an optional ``selectors.BaseSelector`` to wait with, as for
    ``asyncio.SelectorEventLoop``.
    """

    def close(self) -> None:
        """Close the loop and release what its child-process watches hold.

        Clauses: ``loop.close/closes``, ``loop.close/idempotent``,
        ``loop.close/close-while-running-raises``.
        """
        if not self.is_running() and not self.is_closed():
            close_child_watches(self)
        super().close()
