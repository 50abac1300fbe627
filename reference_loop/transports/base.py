"""State that every reference transport shares.

The docs describe ``get_extra_info``, ``is_closing``, ``set_protocol`` and
``get_protocol`` once, for ``BaseTransport``, and every kind of transport must
answer them the same way; keeping that state in one mixin means a loop author
sees the contract in one place, and a fix lands in every transport at once.

Clauses: ``BaseTransport.get_extra_info/default-when-unavailable``,
``BaseTransport.is_closing/tracks-close``,
``BaseTransport.set_protocol/sets-the-protocol``,
``BaseTransport.get_protocol/returns-current``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Mapping

logger = logging.getLogger("asyncio")

#: After this many writes to a lost connection, each further write logs a
#: warning, so a program that keeps writing into the void is told about it.
LOST_WRITES_BEFORE_WARNING = 5


def is_exit_exception(exc: BaseException) -> bool:
    """True for the exceptions a transport must let escape to the loop."""
    return isinstance(exc, (SystemExit, KeyboardInterrupt))


class TransportState:
    """Extra info, closing flag and protocol slot of one transport.

    It is a mixin placed before the ``asyncio`` transport base class, so the
    public class hierarchy (``isinstance(t, asyncio.Transport)``) stays the one
    the docs describe while the behaviour comes from here.
    """

    _loop: asyncio.AbstractEventLoop
    _protocol: Any

    def _init_state(
        self,
        loop: asyncio.AbstractEventLoop,
        protocol: Any,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        self._loop = loop
        self._protocol = protocol
        self._extra = dict(extra or {})
        self._closing = False

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        """The extra-info value ``name``, or ``default``.

        Clauses: ``BaseTransport.get_extra_info/default-when-unavailable``,
        ``BaseTransport.get_extra_info/socket-keys``,
        ``BaseTransport.get_extra_info/pipe-key``,
        ``BaseTransport.get_extra_info/subprocess-key``.
        """
        return self._extra.get(name, default)

    def is_closing(self) -> bool:
        """True once the transport is closing or closed.

        Clauses: ``BaseTransport.is_closing/tracks-close``.
        """
        return self._closing

    def set_protocol(self, protocol: Any) -> None:
        """Deliver further events to ``protocol``.

        Clauses: ``BaseTransport.set_protocol/sets-the-protocol``.
        """
        self._protocol = protocol

    def get_protocol(self) -> Any:
        """The protocol events go to now.

        Clauses: ``BaseTransport.get_protocol/returns-current``.
        """
        return self._protocol

    def _report(self, message: str, exc: BaseException) -> None:
        """Send one failure to the loop's exception handler, with context."""
        self._loop.call_exception_handler(
            {
                "message": message,
                "exception": exc,
                "transport": self,
                "protocol": self._protocol,
            }
        )

    def _call_protocol(self, message: str, method: str, *args: Any) -> Any:
        """Call a protocol callback; a failure goes to the exception handler.

        Used for the flow-control callbacks, whose failures must not tear the
        connection down (the stdlib reports them and carries on).
        """
        try:
            return getattr(self._protocol, method)(*args)
        except BaseException as exc:
            if is_exit_exception(exc):
                raise
            self._report(message, exc)
            return None
