"""Write-buffer watermarks as a small state machine.

The docs say two things about the high mark ("greater than or equal to" in
``set_write_buffer_limits`` and "must go strictly over" in the protocol
section); the spec resolves it in favour of *strictly over*, which is also what
makes the zero-watermark rules coherent. Writing the rule once, as a pure
object with no I/O, lets it be unit-tested as a table and shared by the
socket, pipe, datagram and TLS transports.

Clauses: ``WriteTransport.set_write_buffer_limits/low-at-most-high``,
``WriteTransport.get_write_buffer_limits/low-high-tuple``,
``BaseProtocol.pause_writing/over-high-watermark``,
``BaseProtocol.resume_writing/drained-to-low``, and the ``FlowControl``
machine of ``specs/state-machines.yaml`` (pause and resume alternate, starting
with a pause).
"""

from __future__ import annotations

from typing import Any, Callable, Tuple

#: The high mark used when the caller gives neither mark (64 KiB, as the stdlib).
DEFAULT_HIGH_WATER = 64 * 1024


def resolve_limits(high: int | None = None, low: int | None = None) -> Tuple[int, int]:
    """Fill in missing marks and validate them; return ``(low, high)``.

    With only *low* given, high is four times low; with only *high* given, low
    is a quarter of high. These ratios are implementation-defined in the docs;
    they are the stdlib's, so programs tuned on the stdlib behave alike.
    """
    if high is None:
        high = DEFAULT_HIGH_WATER if low is None else 4 * low
    if low is None:
        low = high // 4
    if not high >= low >= 0:
        raise ValueError(f"high ({high!r}) must be >= low ({low!r}) must be >= 0")
    return low, high


class WatermarkGate:
    """Decides when a writer crosses the marks; knows nothing about protocols.

    ``grew(size)`` is asked after the buffer grew and answers whether the
    protocol must now be paused; ``shrank(size)`` is asked after it shrank and
    answers whether it must now be resumed. The gate alternates by
    construction: it never answers "pause" twice without a "resume" between.
    """

    def __init__(self, high: int | None = None, low: int | None = None) -> None:
        self.low, self.high = resolve_limits(high, low)
        self.paused = False

    def set_limits(self, high: int | None = None, low: int | None = None) -> None:
        self.low, self.high = resolve_limits(high, low)

    def limits(self) -> Tuple[int, int]:
        return self.low, self.high

    def grew(self, size: int) -> bool:
        if not self.paused and size > self.high:
            self.paused = True
            return True
        return False

    def shrank(self, size: int) -> bool:
        if self.paused and size <= self.low:
            self.paused = False
            return True
        return False


class WriteFlowControl:
    """Mixin giving a write transport the watermark methods of the docs.

    The transport provides ``get_write_buffer_size()`` and calls
    ``_after_buffer_grew()`` / ``_after_buffer_shrank()`` around its own buffer
    changes; the lifecycle base provides ``_call_protocol`` and the waiters
    that sendfile's fallback parks in ``_wait_writable()`` until a resume.
    """

    _call_protocol: Callable[..., Any]
    _wake_writable_waiters: Callable[[BaseException | None], None]

    def _init_flow_control(self) -> None:
        self._gate = WatermarkGate()

    def get_write_buffer_size(self) -> int:  # pragma: no cover - overridden
        """Bytes buffered for writing (each transport overrides this).

        Clauses: ``WriteTransport.get_write_buffer_size/output-buffer-size``,
        ``flow-control.watermarks/buffer-size-accounting``.
        """
        raise NotImplementedError

    def get_write_buffer_limits(self) -> Tuple[int, int]:
        """The ``(low, high)`` watermarks.

        Clauses: ``WriteTransport.get_write_buffer_limits/low-high-tuple``.
        """
        return self._gate.limits()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        """Set the watermarks that drive pause_writing/resume_writing.

        Clauses: ``WriteTransport.set_write_buffer_limits/low-at-most-high``,
        ``flow-control.watermarks/high-zero``, ``flow-control.watermarks/low-zero``,
        ``flow-control.watermarks/only-high-given``,
        ``flow-control.watermarks/only-high-low-value``,
        ``flow-control.watermarks/only-low-given``,
        ``flow-control.watermarks/invalid-rejected``.
        """
        self._gate.set_limits(high, low)
        self._after_buffer_grew()

    def _writing_paused(self) -> bool:
        return self._gate.paused

    def _after_buffer_grew(self) -> None:
        if self._gate.grew(self.get_write_buffer_size()):
            self._call_protocol("protocol.pause_writing() failed", "pause_writing")

    def _after_buffer_shrank(self) -> None:
        if self._gate.shrank(self.get_write_buffer_size()):
            self._wake_writable_waiters(None)
            self._call_protocol("protocol.resume_writing() failed", "resume_writing")
