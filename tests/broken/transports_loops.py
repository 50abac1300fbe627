"""Event loops that each break one documented behaviour of transports and protocols.

Each factory takes no arguments and returns a new loop, for ``--loop
tests.broken.transports_loops:<factory>``. They wrap the protocol factory or
the returned transport of the stdlib SelectorEventLoop: the breakage is in
what the protocol sees or what the transport does, which is what the specs
of the transports, protocols and state-machines sections check.
"""

from __future__ import annotations

import asyncio


class _WrappingLoop(asyncio.SelectorEventLoop):
    """Hooks: ``wrap_protocol(proto)`` on every stream protocol, ``wrap_transport(tr)``."""

    def wrap_protocol(self, proto):
        return proto

    def wrap_transport(self, transport):
        return transport

    def _factory(self, protocol_factory):
        def factory():
            return self.wrap_protocol(protocol_factory())

        return factory

    async def create_connection(self, protocol_factory, *args, **kwargs):
        transport, proto = await super().create_connection(
            self._factory(protocol_factory), *args, **kwargs
        )
        return self.wrap_transport(transport), proto

    async def create_unix_connection(self, protocol_factory, *args, **kwargs):
        transport, proto = await super().create_unix_connection(
            self._factory(protocol_factory), *args, **kwargs
        )
        return self.wrap_transport(transport), proto

    async def connect_write_pipe(self, protocol_factory, pipe):
        transport, proto = await super().connect_write_pipe(self._factory(protocol_factory), pipe)
        return self.wrap_transport(transport), proto

    async def connect_read_pipe(self, protocol_factory, pipe):
        transport, proto = await super().connect_read_pipe(self._factory(protocol_factory), pipe)
        return self.wrap_transport(transport), proto


class DataAfterEofLoop(_WrappingLoop):
    """After eof_received() returns, the protocol gets one more data_received()."""

    def wrap_protocol(self, proto):
        original = proto.eof_received

        def eof_received():
            result = original()
            proto.data_received(b"late")
            return result

        proto.eof_received = eof_received
        return proto


class DoubleLostLoop(_WrappingLoop):
    """connection_lost() is called twice."""

    def wrap_protocol(self, proto):
        original = proto.connection_lost

        def connection_lost(exc):
            original(exc)
            original(exc)

        proto.connection_lost = connection_lost
        return proto


class IgnoresEofResultLoop(_WrappingLoop):
    """eof_received()'s true result is ignored: the transport always closes (no half-open)."""

    def wrap_protocol(self, proto):
        original = proto.eof_received

        def eof_received():
            original()
            return False

        proto.eof_received = eof_received
        return proto


class PauseAtEqualityLoop(_WrappingLoop):
    """pause_writing() when the buffer size equals high (off by one: >= instead of >)."""

    def wrap_transport(self, transport):
        def maybe_pause():
            if transport.get_write_buffer_size() >= transport.get_write_buffer_limits()[1]:
                if not transport._protocol_paused:
                    transport._protocol_paused = True
                    transport._protocol.pause_writing()

        transport._maybe_pause_protocol = maybe_pause
        return transport


class EarlyResumeLoop(_WrappingLoop):
    """resume_writing() as soon as the buffer drops below high, ignoring low."""

    def wrap_transport(self, transport):
        def maybe_resume():
            if transport._protocol_paused and (
                transport.get_write_buffer_size() < transport.get_write_buffer_limits()[1]
            ):
                transport._protocol_paused = False
                transport._protocol.resume_writing()

        transport._maybe_resume_protocol = maybe_resume
        return transport


class LaxLimitsLoop(_WrappingLoop):
    """set_write_buffer_limits() sorts and clamps its arguments instead of raising ValueError."""

    def wrap_transport(self, transport):
        original = transport.set_write_buffer_limits

        def set_write_buffer_limits(high=None, low=None):
            if high is not None and high < 0:
                high = 0
            if low is not None and low < 0:
                low = 0
            if high is not None and low is not None and low > high:
                high, low = low, high
            original(high=high, low=low)

        transport.set_write_buffer_limits = set_write_buffer_limits
        return transport


class AbortFlushesLoop(_WrappingLoop):
    """abort() behaves like close(): the buffered data is still sent."""

    def wrap_transport(self, transport):
        transport.abort = transport.close
        return transport


class DeafPauseLoop(_WrappingLoop):
    """pause_reading() does nothing: data keeps flowing and is_reading() stays True."""

    def wrap_transport(self, transport):
        if hasattr(transport, "pause_reading"):
            transport.pause_reading = lambda: None
        return transport


class WrongAddrLoop(asyncio.SelectorEventLoop):
    """datagram_received() gets addr=None instead of the sender's address."""

    async def create_datagram_endpoint(self, protocol_factory, *args, **kwargs):
        def factory():
            proto = protocol_factory()
            original = proto.datagram_received
            proto.datagram_received = lambda data, addr: original(data, None)
            return proto

        return await super().create_datagram_endpoint(factory, *args, **kwargs)
