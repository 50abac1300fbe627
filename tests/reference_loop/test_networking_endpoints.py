"""Datagram, pipe, server and sendfile internals of the reference loop.

What is checked here is bookkeeping a spec cannot observe directly: the
datagram buffer, the write pipe noticing its reader leave, the server's count
of live connections, and sendfile's choice between os.sendfile and copying.
"""

from __future__ import annotations

import asyncio
import os
import socket
import tempfile

import pytest

from .support import Recorder, run

# -- datagrams -----------------------------------------------------------------


class DatagramRecorder(asyncio.DatagramProtocol):
    def __init__(self, loop):
        self.events = []
        self.lost = loop.create_future()
        self.got = []

    def connection_made(self, transport):
        self.events.append("made")

    def datagram_received(self, data, addr):
        self.got.append((data, addr))

    def error_received(self, exc):
        self.events.append(("error", type(exc).__name__))

    def connection_lost(self, exc):
        self.events.append("lost")
        self.lost.set_result(exc)


def test_datagram_connected_endpoint(loop):
    peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    peer.bind(("127.0.0.1", 0))
    peer.settimeout(5)
    proto = DatagramRecorder(loop)
    transport, _ = run(
        loop, loop.create_datagram_endpoint(lambda: proto, remote_addr=peer.getsockname())
    )
    assert transport.get_extra_info("peername") == peer.getsockname()
    transport.sendto(b"one")
    transport.sendto(b"two", peer.getsockname())
    with pytest.raises(ValueError):
        transport.sendto(b"x", ("127.0.0.1", 1))
    assert peer.recvfrom(100)[0] == b"one"
    data, addr = peer.recvfrom(100)
    assert data == b"two"
    peer.sendto(b"back", addr)

    async def until_received():
        while not proto.got:
            await asyncio.sleep(0.005)

    run(loop, until_received())
    assert proto.got == [(b"back", peer.getsockname())]
    assert transport.get_write_buffer_size() == 0
    transport.abort()
    assert run(loop, proto.lost) is None
    assert proto.events == ["made", "lost"]
    peer.close()


def test_datagram_error_received_does_not_close(loop):
    # A connected UDP socket learns of ICMP port-unreachable on a later call.
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    dead = probe.getsockname()
    probe.close()
    proto = DatagramRecorder(loop)
    transport, _ = run(loop, loop.create_datagram_endpoint(lambda: proto, remote_addr=dead))

    async def poke():
        for _ in range(50):
            transport.sendto(b"anyone?")
            await asyncio.sleep(0.01)
            if any(isinstance(e, tuple) for e in proto.events):
                return

    run(loop, poke())
    assert ("error", "ConnectionRefusedError") in proto.events
    assert not transport.is_closing()
    transport.close()
    run(loop, proto.lost)


def test_datagram_sock_excludes_modifiers(loop):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    with pytest.raises(ValueError):
        run(
            loop,
            loop.create_datagram_endpoint(
                asyncio.DatagramProtocol, local_addr=("127.0.0.1", 0), sock=sock
            ),
        )
    with pytest.raises(ValueError):
        run(
            loop,
            loop.create_datagram_endpoint(
                asyncio.DatagramProtocol, local_addr=("127.0.0.1", 0), reuse_address=True
            ),
        )
    sock.close()


# -- pipes -----------------------------------------------------------------------


def test_read_pipe_eof_then_lost(loop):
    rfd, wfd = os.pipe()
    proto = Recorder(loop, eof_result=True)  # a read pipe closes anyway
    rpipe = os.fdopen(rfd, "rb", 0)
    transport, _ = run(loop, loop.connect_read_pipe(lambda: proto, rpipe))
    assert not os.get_blocking(rfd)
    assert transport.get_extra_info("pipe") is rpipe
    os.write(wfd, b"data")
    os.close(wfd)
    assert run(loop, proto.lost) is None
    assert proto.events == ["made", "data", "eof", "lost"]
    assert rpipe.closed


def test_write_pipe_notices_reader_closing(loop):
    rfd, wfd = os.pipe()
    proto = Recorder(loop)
    wpipe = os.fdopen(wfd, "wb", 0)
    transport, _ = run(loop, loop.connect_write_pipe(lambda: proto, wpipe))
    assert not os.get_blocking(wfd)
    assert not transport.is_closing()
    os.close(rfd)
    assert run(loop, proto.lost) is None
    assert proto.events == ["made", "lost"]
    assert wpipe.closed


def test_write_pipe_buffers_and_write_eof(loop):
    rfd, wfd = os.pipe()
    proto = Recorder(loop)
    transport, _ = run(loop, loop.connect_write_pipe(lambda: proto, os.fdopen(wfd, "wb", 0)))
    payload = b"z" * (1 << 20)
    transport.write(payload)
    assert transport.get_write_buffer_size() > 0
    assert transport.can_write_eof()
    transport.write_eof()
    with pytest.raises(RuntimeError):
        transport.write(b"late")

    def reader():
        chunks = []
        while True:
            chunk = os.read(rfd, 1 << 16)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)

    assert run(loop, loop.run_in_executor(None, reader)) == payload
    run(loop, proto.lost)
    os.close(rfd)


# -- servers ---------------------------------------------------------------------


def test_server_tracks_connections(loop):
    protos = []

    def factory():
        protos.append(Recorder(loop))
        return protos[-1]

    server = run(loop, loop.create_server(factory, "127.0.0.1", 0))
    assert server.is_serving()
    addr = server.sockets[0].getsockname()
    client = socket.create_connection(addr)

    async def until_connected():
        while not protos:
            await asyncio.sleep(0.005)

    run(loop, until_connected())
    server.close()
    assert not server.is_serving()
    assert server.sockets == ()
    waiting = loop.create_task(server.wait_closed())
    run(loop, asyncio.sleep(0.02))
    # The accepted connection outlives close().
    assert not protos[0].transport.is_closing()
    protos[0].transport.write(b"still here")
    client.settimeout(5)
    assert client.recv(100) == b"still here"
    protos[0].transport.close()
    run(loop, waiting)
    assert server._active == 0
    client.close()


def test_serve_forever_cancel_closes(loop):
    server = run(loop, loop.create_server(asyncio.Protocol, "127.0.0.1", 0, start_serving=False))
    assert not server.is_serving()
    task = loop.create_task(server.serve_forever())
    run(loop, asyncio.sleep(0.01))
    assert server.is_serving()
    with pytest.raises(RuntimeError):
        run(loop, server.serve_forever())
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        run(loop, task)
    assert not server.is_serving()
    assert server.sockets == ()


def test_unix_server_path_types_and_cleanup(loop):
    with tempfile.TemporaryDirectory() as tmp:
        for make in (str, os.fsencode):
            path = make(os.path.join(tmp, "s.sock"))
            got = []
            server = run(loop, loop.create_unix_server(lambda: Recorder(loop), path))
            proto = Recorder(loop)
            transport, _ = run(loop, loop.create_unix_connection(lambda p=proto: p, path))
            got.append(transport.get_extra_info("peername"))
            transport.close()
            run(loop, proto.lost)
            server.close()
            run(loop, server.wait_closed())
            assert not os.path.exists(path)


# -- sendfile --------------------------------------------------------------------


@pytest.mark.parametrize("native", [True, False])
def test_sendfile_offset_count_and_position(loop, native, monkeypatch):
    proto = Recorder(loop)
    ours, peer = socket.socketpair()
    transport, _ = run(loop, loop.connect_accepted_socket(lambda: proto, ours))
    if not native:
        monkeypatch.delattr(os, "sendfile")
    with tempfile.TemporaryFile() as f:
        f.write(bytes(range(256)) * 1000)
        f.flush()
        f.seek(0)
        sent = run(loop, loop.sendfile(transport, f, offset=10, count=100_000))
        assert sent == 100_000
        assert f.tell() == 100_010
        transport.close()
        peer.settimeout(5)
        received = bytearray()
        while len(received) < sent:
            received += peer.recv(1 << 16)
        f.seek(10)
        assert bytes(received) == f.read(100_000)
    run(loop, proto.lost)
    peer.close()


def test_sendfile_argument_checks(loop):
    proto = Recorder(loop)
    ours, peer = socket.socketpair()
    transport, _ = run(loop, loop.connect_accepted_socket(lambda: proto, ours))
    with tempfile.TemporaryFile() as f:
        with pytest.raises(ValueError):
            run(loop, loop.sendfile(transport, f, offset=-1))
        with pytest.raises(ValueError):
            run(loop, loop.sendfile(transport, f, count=0))
        with pytest.raises(TypeError):
            run(loop, loop.sendfile(transport, f, offset="0"))
    with tempfile.TemporaryFile("w+") as text:
        with pytest.raises(ValueError):
            run(loop, loop.sendfile(transport, text))
    transport.close()
    run(loop, proto.lost)
    with tempfile.TemporaryFile() as f, pytest.raises(RuntimeError):
        run(loop, loop.sendfile(transport, f))
    peer.close()
