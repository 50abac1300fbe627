"""TLS layer and subprocess transport internals of the reference loop.

TLS: the handshake waiter, the timeout, extra info and that the application
protocol never hears of a connection whose handshake failed. Subprocess: the
callbacks held back until connection_made, and connection_lost coming last.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import sys
import threading
from typing import Any, Callable, Iterator, List, Tuple

import pytest

from .support import TIMEOUT, Recorder, run

trustme = pytest.importorskip("trustme")

Address = Tuple[str, int]


@pytest.fixture(scope="module")
def contexts():
    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(server)
    client = ssl.create_default_context()
    ca.configure_trust(client)
    return server, client


class ThreadPeer:
    """A listening socket on 127.0.0.1 whose first connection ``serve(conn)`` gets.

    ``serve`` runs in a thread of its own, as a blocking peer the loop under
    test cannot help along.
    """

    def __init__(self, serve: Callable[[socket.socket], Any]) -> None:
        self.listener = socket.socket()
        self.listener.settimeout(TIMEOUT)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen()
        self.address: Address = self.listener.getsockname()
        self.thread = threading.Thread(target=self._accept_and_serve, args=(serve,))
        self.thread.start()

    def _accept_and_serve(self, serve: Callable[[socket.socket], Any]) -> None:
        conn, _ = self.listener.accept()
        serve(conn)

    def join(self) -> None:
        """Wait for ``serve`` to return, then stop listening."""
        self.thread.join()
        self.listener.close()


@pytest.fixture
def thread_peer() -> Iterator[Callable[[Callable[[socket.socket], Any]], ThreadPeer]]:
    """``thread_peer(serve)``: a new ``ThreadPeer``, joined after the test."""
    peers: List[ThreadPeer] = []

    def start(serve: Callable[[socket.socket], Any]) -> ThreadPeer:
        peers.append(ThreadPeer(serve))
        return peers[-1]

    yield start
    for peer in peers:
        peer.join()


def connect_tls(loop, address: Address, client_ctx, protocol, **kwargs) -> Any:
    """create_connection() over TLS to ``address``; return the transport."""
    transport, _ = run(
        loop,
        loop.create_connection(
            lambda: protocol, *address, ssl=client_ctx, server_hostname="localhost", **kwargs
        ),
    )
    return transport


def test_tls_round_trip_with_thread_peer(loop, contexts, thread_peer):
    server_ctx, client_ctx = contexts

    def peer(conn):
        with server_ctx.wrap_socket(conn, server_side=True) as tls:
            tls.sendall(tls.recv(100).upper())

    address = thread_peer(peer).address
    proto = Recorder(loop)
    transport = connect_tls(loop, address, client_ctx, proto)
    assert transport.get_extra_info("sslcontext") is client_ctx
    assert isinstance(transport.get_extra_info("ssl_object"), ssl.SSLObject)
    assert transport.get_extra_info("peercert")["subjectAltName"]
    assert len(transport.get_extra_info("cipher")) == 3
    assert transport.get_extra_info("peername") == address
    assert not transport.can_write_eof()
    with pytest.raises(NotImplementedError):
        transport.write_eof()
    transport.write(b"hello")
    run(loop, proto.lost)
    assert proto.data == b"HELLO"
    assert proto.events[0] == "made" and proto.events[-1] == "lost"


def test_tls_handshake_failure_never_reaches_protocol(loop, contexts, thread_peer):
    _, client_ctx = contexts

    def peer(conn):
        conn.recv(4096)
        conn.sendall(b"this is not TLS\r\n" * 10)
        conn.close()

    address = thread_peer(peer).address
    protocols = []

    def factory():
        protocols.append(Recorder(loop))
        return protocols[-1]

    with pytest.raises((ssl.SSLError, ConnectionError)):
        run(
            loop,
            loop.create_connection(factory, *address, ssl=client_ctx, server_hostname="localhost"),
        )
    # The protocol was made, but it never heard of the connection.
    assert len(protocols) == 1 and protocols[0].events == []


def test_tls_handshake_timeout(loop, contexts, thread_peer):
    _, client_ctx = contexts

    def silent_peer(conn):
        with conn:
            try:
                conn.recv(4096)  # the hello; then nothing until the client gives up
                conn.recv(4096)
            except OSError:
                pass

    address = thread_peer(silent_peer).address
    with pytest.raises(ConnectionAbortedError):
        connect_tls(loop, address, client_ctx, asyncio.Protocol(), ssl_handshake_timeout=0.1)


def test_tls_argument_errors(loop, contexts):
    _, client_ctx = contexts
    with pytest.raises(ValueError):
        run(loop, loop.create_connection(asyncio.Protocol, "127.0.0.1", 1, server_hostname="x"))
    with pytest.raises(ValueError):
        run(loop, loop.create_connection(asyncio.Protocol, "127.0.0.1", 1, ssl_handshake_timeout=1))
    a, b = socket.socketpair()
    with pytest.raises(ValueError):
        run(loop, loop.create_connection(asyncio.Protocol, sock=a, ssl=client_ctx))
    a.close()
    b.close()


def test_tls_server_and_sendfile_fallback(loop, contexts, tmp_path):
    server_ctx, client_ctx = contexts
    data = b"0123456789" * 5000
    path = tmp_path / "blob"
    path.write_bytes(data)
    results = []

    class Sender(asyncio.Protocol):
        def connection_made(self, transport):
            results.append(loop.create_task(self.send(transport)))

        async def send(self, transport):
            with open(path, "rb") as f:
                with pytest.raises(asyncio.SendfileNotAvailableError):
                    await loop.sendfile(transport, f, fallback=False)
                sent = await loop.sendfile(transport, f)
                assert f.tell() == len(data)
            transport.close()
            return sent

    server = run(loop, loop.create_server(Sender, "127.0.0.1", 0, ssl=server_ctx))
    addr = server.sockets[0].getsockname()

    def client():
        with client_ctx.wrap_socket(
            socket.create_connection(addr, timeout=TIMEOUT), server_hostname="localhost"
        ) as tls:
            got = bytearray()
            while True:
                try:
                    chunk = tls.recv(65536)
                except ssl.SSLError:
                    break
                if not chunk:
                    break
                got += chunk
            return bytes(got)

    assert run(loop, loop.run_in_executor(None, client)) == data
    assert run(loop, results[0]) == len(data)
    server.close()
    run(loop, server.wait_closed())


def test_tls_buffered_protocol_pause_holds_eof_behind_data(loop, contexts, thread_peer):
    server_ctx, client_ctx = contexts

    def peer(conn):
        tls = server_ctx.wrap_socket(conn, server_side=True)
        tls.sendall(bytes(range(100)))
        tls.close()  # no close_notify: a plain TCP FIN after the data

    class Slow(asyncio.BufferedProtocol):
        def __init__(self):
            self.buf = bytearray(7)
            self.data = bytearray()
            self.events = []
            self.lost = loop.create_future()

        def connection_made(self, transport):
            self.transport = transport

        def get_buffer(self, sizehint):
            assert "eof" not in self.events
            return self.buf

        def buffer_updated(self, nbytes):
            assert self.transport.is_reading()
            self.data += self.buf[:nbytes]
            self.transport.pause_reading()
            loop.call_later(0.005, self.transport.resume_reading)

        def eof_received(self):
            self.events.append("eof")

        def connection_lost(self, exc):
            self.events.append("lost")
            self.lost.set_result(exc)

    proto = Slow()
    connect_tls(loop, thread_peer(peer).address, client_ctx, proto)
    run(loop, proto.lost)
    assert bytes(proto.data) == bytes(range(100))
    assert proto.events == ["eof", "lost"]


def test_tls_close_waits_for_peer_close_notify(loop, contexts, thread_peer):
    server_ctx, client_ctx = contexts
    received = []

    def peer(conn):
        tls = server_ctx.wrap_socket(conn, server_side=True)
        total = 0
        while True:
            chunk = tls.recv(1 << 16)
            if not chunk:
                break
            total += len(chunk)
        received.append(total)
        tls.unwrap().close()

    peer_thread = thread_peer(peer)
    proto = Recorder(loop)
    transport = connect_tls(loop, peer_thread.address, client_ctx, proto)
    transport.write(b"q" * 3_000_000)
    transport.close()
    assert transport.is_closing()
    assert run(loop, proto.lost) is None
    assert proto.events[0] == "made" and proto.events[-1] == "lost"
    assert "eof" not in proto.events and "data" not in proto.events
    peer_thread.join()
    assert received == [3_000_000]


def test_start_tls_keeps_the_applications_pause(loop, contexts, thread_peer):
    server_ctx, client_ctx = contexts

    def peer(conn):
        with server_ctx.wrap_socket(conn, server_side=True) as tls:
            tls.sendall(b"after upgrade")
            tls.recv(10)

    proto = Recorder(loop)
    plain, _ = run(loop, loop.create_connection(lambda: proto, *thread_peer(peer).address))
    plain.pause_reading()
    secure = run(loop, loop.start_tls(plain, proto, client_ctx, server_hostname="localhost"))
    assert secure is not plain
    assert proto.events == ["made"]  # no second connection_made
    assert not secure.is_reading()
    run(loop, asyncio.sleep(0.05))
    assert proto.data == b""
    secure.resume_reading()

    async def until_data():
        while len(proto.data) < 13:
            await asyncio.sleep(0.005)

    run(loop, until_data())
    assert proto.data == b"after upgrade"
    secure.write(b"bye")
    secure.close()
    run(loop, proto.lost)


# -- subprocess --------------------------------------------------------------------


class ProcRecorder(asyncio.SubprocessProtocol):
    def __init__(self, loop):
        self.events = []
        self.out = {1: bytearray(), 2: bytearray()}
        self.lost = loop.create_future()

    def connection_made(self, transport):
        assert not self.events
        self.events.append("made")

    def pipe_data_received(self, fd, data):
        assert data and ("pipe_lost", fd) not in self.events
        self.out[fd] += data

    def pipe_connection_lost(self, fd, exc):
        assert ("pipe_lost", fd) not in self.events
        self.events.append(("pipe_lost", fd))

    def process_exited(self):
        assert "exited" not in self.events
        self.events.append("exited")

    def connection_lost(self, exc):
        self.events.append("lost")
        self.lost.set_result(exc)


def test_subprocess_order_and_pipes(loop):
    code = "import sys; sys.stdout.write(sys.stdin.read()[::-1]); sys.stderr.write('e')"
    proto = ProcRecorder(loop)
    transport, _ = run(loop, loop.subprocess_exec(lambda: proto, sys.executable, "-c", code))
    assert isinstance(transport.get_pid(), int)
    assert transport.get_pipe_transport(3) is None
    stdin = transport.get_pipe_transport(0)
    stdin.write(b"abc")
    stdin.close()
    run(loop, proto.lost)
    assert proto.out == {1: bytearray(b"cba"), 2: bytearray(b"e")}
    assert proto.events[0] == "made" and proto.events[-1] == "lost"
    assert sorted(e for e in proto.events if isinstance(e, tuple)) == [
        ("pipe_lost", 0),
        ("pipe_lost", 1),
        ("pipe_lost", 2),
    ]
    assert transport.get_returncode() == 0
    transport.close()
    with pytest.raises(ProcessLookupError):
        transport.kill()


def test_subprocess_close_kills_and_stderr_stdout(loop):
    proto = ProcRecorder(loop)
    transport, _ = run(
        loop,
        loop.subprocess_shell(
            lambda: proto,
            "echo out; echo err 1>&2; sleep 30",
            stdin=None,
            stderr=asyncio.subprocess.STDOUT,
        ),
    )
    assert transport.get_pipe_transport(0) is None
    assert transport.get_pipe_transport(2) is None

    async def until_output():
        while proto.out[1].count(b"\n") < 2:
            await asyncio.sleep(0.01)

    run(loop, until_output())
    assert transport.get_returncode() is None
    transport.close()
    run(loop, proto.lost)
    assert transport.get_returncode() == -9
    assert b"err" in proto.out[1]


@pytest.mark.parametrize(
    "kwargs", [{"bufsize": 1}, {"universal_newlines": True}, {"shell": True}, {"text": True}]
)
def test_subprocess_exec_forbidden_arguments(loop, kwargs):
    with pytest.raises(ValueError):
        run(loop, loop.subprocess_exec(asyncio.SubprocessProtocol, sys.executable, **kwargs))
