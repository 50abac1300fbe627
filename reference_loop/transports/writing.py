"""What every writing transport agrees on about the data it is given.

The docs say ``write()`` takes "bytes, bytearray or memoryview" and that
``writelines()`` is "functionally equivalent to calling write() on each
element". Both rules are the same for sockets, pipes, datagrams and TLS, so
they are written here once.

Clauses: ``WriteTransport.write/bytes-like-accepted``,
``WriteTransport.write/non-bytes-rejected``,
``WriteTransport.writelines/like-write-per-element``.
"""

from __future__ import annotations

from typing import Any, Iterable

__all__ = ["BYTES_LIKE", "StreamWriting", "check_bytes_like", "frozen"]

BYTES_LIKE = (bytes, bytearray, memoryview)


def check_bytes_like(data: Any) -> None:
    """Refuse anything that is not bytes, bytearray or memoryview (str included)."""
    if not isinstance(data, BYTES_LIKE):
        raise TypeError(f"data argument must be a bytes-like object, not {type(data).__name__!r}")


def frozen(data: Any) -> bytes:
    """An immutable copy of a bytes-like object the caller may still change.

    A queued ``bytearray`` must not change under the transport when the
    caller reuses it after ``write()`` returns; ``bytes`` need no copy.
    """
    with memoryview(data) as view:
        return view.tobytes()


class StreamWriting:
    """``writelines()`` and ``can_write_eof()`` for the byte-stream transports.

    Sockets, pipes and TLS use it; datagram transports have neither method
    in the docs, which is why this is a mixin of its own rather than part of
    the shared lifecycle.
    """

    def can_write_eof(self) -> bool:
        """True: a socket can shut down its sending side, and closing a pipe is its end of file.

        TLS, which has no half-close, says False instead.

        Clauses: ``WriteTransport.can_write_eof/true-iff-write-eof-works``,
        ``WriteTransport.can_write_eof/plain-kinds-support-it``.
        """
        return True

    def writelines(self, list_of_data: Iterable[Any]) -> None:
        """Write each element in turn, exactly as ``write()`` would.

        Clauses: ``WriteTransport.writelines/like-write-per-element``.
        """
        for data in list_of_data:
            self.write(data)  # type: ignore[attr-defined]
