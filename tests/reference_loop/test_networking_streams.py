"""Stream transport internals the conformance specs cannot see from outside.

Buffer accounting against a peer that does not read, the exact pause/resume
points, abort versus close, BufferedProtocol and half-close bookkeeping. All
peers are plain sockets (a socketpair end or a thread), loopback only.
"""

from __future__ import annotations

import asyncio
import socket

import pytest

from reference_loop.transports.socket_stream import SocketStreamTransport

from .support import TIMEOUT, Recorder, drain, fill, run


def test_buffer_accounting_and_high_zero(loop, socket_pair):
    proto = Recorder(loop)
    transport, peer = socket_pair(proto)
    transport.set_write_buffer_limits(high=0)
    assert transport.get_write_buffer_limits() == (0, 0)
    total = fill(transport)
    assert proto.flow() == ["pause"]
    buffered = transport.get_write_buffer_size()
    assert 0 < buffered <= total

    async def drain_then_close():
        got = await loop.run_in_executor(None, drain, peer, total)
        while transport.get_write_buffer_size():
            await asyncio.sleep(0.01)
        transport.close()
        await proto.lost
        return got

    assert run(loop, drain_then_close()) == total
    assert proto.flow() == ["pause", "resume"]
    assert transport.get_write_buffer_size() == 0
    peer.close()


def test_equal_to_high_does_not_pause(loop, socket_pair):
    proto = Recorder(loop)
    transport, peer = socket_pair(proto)
    fill(transport)
    size = transport.get_write_buffer_size()
    transport.set_write_buffer_limits(high=size, low=0)
    assert proto.flow() == []
    transport.write(b"y")
    assert proto.flow() == ["pause"]
    transport.abort()
    run(loop, proto.lost)
    peer.close()


def test_abort_drops_buffer_close_flushes(loop, socket_pair):
    aborted = Recorder(loop)
    transport, peer = socket_pair(aborted)
    total = fill(transport)
    transport.abort()
    assert transport.is_closing()
    assert run(loop, aborted.lost) is None
    peer.settimeout(TIMEOUT)
    assert drain(peer) < total
    peer.close()

    closed = Recorder(loop)
    transport, peer = socket_pair(closed)
    total = fill(transport)
    transport.close()
    transport.close()  # idempotent
    got = run(loop, loop.run_in_executor(None, drain, peer))
    assert got == total
    assert run(loop, closed.lost) is None
    assert closed.events[-1] == "lost"
    peer.close()


def test_eof_true_keeps_half_open(loop, socket_pair):
    proto = Recorder(loop, eof_result=True)
    transport, peer = socket_pair(proto)
    peer.sendall(b"ping")
    peer.shutdown(socket.SHUT_WR)

    async def until_eof():
        while "eof" not in proto.events:
            await asyncio.sleep(0.005)

    run(loop, until_eof())
    assert proto.events == ["made", "data", "eof"]
    assert not transport.is_closing()
    assert not transport.is_reading()
    transport.write(b"pong")
    transport.write_eof()
    with pytest.raises(RuntimeError):
        transport.write(b"more")
    peer.settimeout(TIMEOUT)
    assert drain(peer) == 4
    transport.close()
    run(loop, proto.lost)
    assert proto.events == ["made", "data", "eof", "lost"]
    peer.close()


def test_eof_false_closes(loop, socket_pair):
    proto = Recorder(loop, eof_result=False)
    transport, peer = socket_pair(proto)
    peer.shutdown(socket.SHUT_WR)
    assert run(loop, proto.lost) is None
    assert proto.events == ["made", "eof", "lost"]
    peer.close()


def test_pause_reading_is_idempotent_and_holds_data(loop, socket_pair):
    proto = Recorder(loop)
    transport, peer = socket_pair(proto)
    transport.pause_reading()
    transport.pause_reading()
    assert not transport.is_reading()
    peer.sendall(b"abc")
    run(loop, asyncio.sleep(0.05))
    assert proto.data == b""
    transport.resume_reading()
    transport.resume_reading()
    assert transport.is_reading()

    async def until_data():
        while not proto.data:
            await asyncio.sleep(0.005)

    run(loop, until_data())
    assert proto.data == b"abc"
    transport.close()
    transport.pause_reading()  # no-op once closing
    run(loop, proto.lost)
    peer.close()


class BufRecorder(asyncio.BufferedProtocol):
    def __init__(self, loop, size):
        self.buf = bytearray(size)
        self.events = []
        self.data = bytearray()
        self.lost = loop.create_future()

    def connection_made(self, transport):
        self.events.append("made")

    def get_buffer(self, sizehint):
        assert "eof" not in self.events
        self.events.append("get_buffer")
        return self.buf

    def buffer_updated(self, nbytes):
        assert self.events[-1] == "get_buffer"
        assert nbytes > 0
        self.events.append("updated")
        self.data += self.buf[:nbytes]

    def eof_received(self):
        self.events.append("eof")

    def connection_lost(self, exc):
        self.events.append("lost")
        self.lost.set_result(exc)


def test_buffered_protocol_small_buffer(loop, socket_pair):
    proto = BufRecorder(loop, 3)
    _, peer = socket_pair(proto)
    peer.sendall(b"0123456789")
    peer.shutdown(socket.SHUT_WR)
    assert run(loop, proto.lost) is None
    assert bytes(proto.data) == b"0123456789"
    assert proto.events[0] == "made"
    assert proto.events[-2:] == ["eof", "lost"]
    assert proto.events.count("updated") >= 4
    peer.close()


def test_buffered_protocol_empty_buffer_is_an_error(loop, socket_pair):
    class Empty(BufRecorder):
        def get_buffer(self, sizehint):
            return bytearray()

    calls = []
    loop.set_exception_handler(lambda lp, ctx: calls.append(ctx))
    proto = Empty(loop, 0)
    _, peer = socket_pair(proto)
    peer.sendall(b"x")
    exc = run(loop, proto.lost)
    assert isinstance(exc, RuntimeError)
    assert calls and calls[0]["exception"] is exc
    peer.close()


def test_set_protocol_switches_delivery(loop, socket_pair):
    first = Recorder(loop)
    transport, peer = socket_pair(first)
    second = Recorder(loop)
    transport.set_protocol(second)
    assert transport.get_protocol() is second
    peer.sendall(b"hi")
    peer.shutdown(socket.SHUT_WR)
    run(loop, second.lost)
    assert first.events == ["made"]
    assert second.data == b"hi"
    peer.close()


def test_extra_info_and_nodelay(loop):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    proto = Recorder(loop)
    transport, _ = run(loop, loop.create_connection(lambda: proto, *listener.getsockname()))
    conn, _ = listener.accept()
    sock = transport.get_extra_info("socket")
    assert isinstance(sock, socket.socket)
    assert transport.get_extra_info("peername") == listener.getsockname()
    assert transport.get_extra_info("sockname") == conn.getpeername()
    assert transport.get_extra_info("nonexistent", "dflt") == "dflt"
    assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    assert isinstance(transport, SocketStreamTransport)
    assert transport.can_write_eof()
    transport.close()
    run(loop, proto.lost)
    conn.close()
    listener.close()


def test_write_type_checks(loop, socket_pair):
    proto = Recorder(loop)
    transport, peer = socket_pair(proto)
    with pytest.raises(TypeError):
        transport.write("text")
    transport.write(b"")
    transport.writelines([b"a", bytearray(b"b"), memoryview(b"c")])
    peer.settimeout(TIMEOUT)
    assert peer.recv(10) == b"abc"
    transport.close()
    run(loop, proto.lost)
    peer.close()
