"""Independent peers: blocking sockets driven by threads, never by the loop under test.

A network case checks the loop against something that does not share its
code, so a loop cannot pass by agreeing with itself. Each peer runs a short
*script* (a function taking a :class:`PeerConn`) in its own thread, with
blocking sockets and timeouts. Case code waits for a peer with ``await
peer.done()``, which polls (it never blocks the loop under test).

Everything here is registered with the case and torn down after it: sockets
shut down and closed, threads joined, temporary folders removed.

Stdlib only: ``repro`` inlines this file.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import tempfile
import threading
import time
from typing import Any, Callable, Optional

from .values import CaseFailure, SetupError, WaitGaveUp

LOOPBACK = {socket.AF_INET: "127.0.0.1", getattr(socket, "AF_INET6", -1): "::1"}


class PeerConn:
    """The peer's end of one connection: blocking calls, each with a timeout."""

    def __init__(self, sock: socket.socket, timeout: float, owned: Optional[list] = None) -> None:
        self.sock = sock
        self.timeout = timeout
        self.sock.settimeout(timeout)
        #: The peer's list of sockets to shut down when the case ends.
        self._owned = owned

    def secure(self, context: Any, **options: Any) -> None:
        """Switch to TLS here (a STARTTLS answer, a handshake the case checks).

        Use this rather than ``context.wrap_socket(conn.sock, ...)``: wrapping
        detaches the plain socket, so a handshake the loop never answers could
        only end at the peer's timeout. Here the wrapper is known to the peer
        before the handshake starts, and the case's end interrupts it.
        ``options`` go to ``wrap_socket`` (``server_side=True``, or
        ``server_hostname=...``); a failed handshake raises as wrap_socket would.
        """
        wrapped = context.wrap_socket(self.sock, do_handshake_on_connect=False, **options)
        if self._owned is not None:
            self._owned.append(wrapped)
        wrapped.settimeout(self.timeout)
        self.sock = wrapped
        wrapped.do_handshake()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def recv(self, size: int = 65536) -> bytes:
        return self.sock.recv(size)

    def recv_exactly(self, size: int) -> bytes:
        chunks = []
        while size:
            chunk = self.sock.recv(size)
            if not chunk:
                raise CaseFailure(f"the connection ended {size} bytes short")
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def recv_until_eof(self) -> bytes:
        chunks = []
        while True:
            chunk = self.sock.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)

    def shutdown_write(self) -> None:
        self.sock.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


# -- ready-made scripts -------------------------------------------------------------


def echo(conn: PeerConn) -> bytes:
    """Send back everything until EOF, then close; return what was received."""
    seen = []
    while True:
        chunk = conn.recv()
        if not chunk:
            break
        seen.append(chunk)
        conn.send(chunk)
    conn.close()
    return b"".join(seen)


def collect(conn: PeerConn) -> bytes:
    """Read until EOF, then close; return everything received."""
    data = conn.recv_until_eof()
    conn.close()
    return data


def sender(data: bytes, then_close: bool = True) -> Callable[[PeerConn], None]:
    """A script that sends ``data`` and then closes (or only shuts down writing)."""

    def script(conn: PeerConn) -> None:
        conn.send(data)
        if then_close:
            conn.close()
        else:
            conn.shutdown_write()
            conn.recv_until_eof()
            conn.close()

    return script


def hold(conn: PeerConn) -> bytes:
    """Keep the connection open until the other side closes it."""
    return collect(conn)


#: ``handshake_failed`` default: a failed TLS handshake fails the peer.
_RAISE = object()

#: Seconds (scaled) a peer may still run once every transport of its case has
#: called connection_lost(): by then it has all the data and its EOF, which
#: reach a peer thread of the same process within milliseconds. A second is
#: ample on a loaded machine (--timeout-multiplier scales it on a slower one),
#: and a loop that never closes its sockets pays it once per case, not the
#: peer's whole timeout.
EOF_GRACE = 1.0


class Peer:
    """A thread running one script; ``await peer.done()`` gives its result."""

    def __init__(self, name: str, multiplier: float, verdict: Any = None) -> None:
        self.name = name
        self.multiplier = multiplier
        #: The case's ProtocolRegistry: tells done() when waiting is futile.
        self.verdict = verdict
        self.result: Any = None
        self.error: Optional[BaseException] = None
        self.address: Any = None
        self.sockets: list[socket.socket] = []
        self.thread: Optional[threading.Thread] = None
        self.finished = threading.Event()

    def start(self, target: Callable[[], Any]) -> None:
        def run() -> None:
            try:
                self.result = target()
            except BaseException as exc:  # handed to done()/check() in the case
                self.error = exc
            finally:
                self.finished.set()

        self.thread = threading.Thread(
            target=run, name=f"conformance-peer-{self.name}", daemon=True
        )
        self.thread.start()

    async def done(self, timeout: float = 8.0) -> Any:
        """Wait (polling, never blocking the loop) for the script; return its result."""
        if self.verdict is not None:
            seconds = self.verdict.wait_seconds(timeout)
        else:
            seconds = timeout * self.multiplier
        deadline = time.monotonic() + seconds
        while not self.finished.is_set():
            now = time.monotonic()
            if now > deadline:
                raise WaitGaveUp(f"peer {self.name} did not finish within {seconds:.1f}s")
            self._fail_if_futile(now)
            await asyncio.sleep(0.002)
        if self.error is not None:
            if isinstance(self.error, CaseFailure):
                raise self.error
            raise WaitGaveUp(
                f"peer {self.name} failed: {type(self.error).__name__}: {self.error}"
            ) from self.error
        return self.result

    def _fail_if_futile(self, now: float) -> None:
        """Stop waiting when the case has already failed, or when every transport of the
        case is gone (connection_lost called) and the peer still has not finished."""
        if self.verdict is None:
            return
        reason = self.verdict.decided()
        if reason:
            raise WaitGaveUp(f"stopped waiting for peer {self.name}: {reason}")
        lost = self.verdict.all_lost_since()
        grace = EOF_GRACE * self.multiplier
        if lost is not None and now - lost > grace:
            raise WaitGaveUp(
                f"peer {self.name} did not finish within {grace:.1f}s after every transport "
                "of the case had called connection_lost(): it was still waiting for data "
                "or an EOF the loop never sent"
            )

    def close(self) -> None:
        self._close_sockets()  # wakes a script blocked in accept() or recv()
        if self.thread is not None:
            self.thread.join(10 * self.multiplier)
        # The thread may have accepted or wrapped a socket while the first pass
        # ran. Left open, it would be collected during some later case, whose
        # leak check would then blame that case for our peer's socket.
        self._close_sockets()

    def _close_sockets(self) -> None:
        for sock in list(self.sockets):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()


class Peers:
    """The peer factory handed to spec code, bound to one case."""

    def __init__(self, multiplier: float, tls: TLSMaterial, verdict: Any = None) -> None:
        self.multiplier = multiplier
        self.tls = tls
        self.verdict = verdict
        self.peers: list[Peer] = []
        self.folders: list[str] = []
        self.loose: list[socket.socket] = []

    @property
    def timeout(self) -> float:
        """Every blocking peer call gives up after this: less than a case's own timeout,
        so a stuck peer fails its case with a message instead of killing the worker."""
        return 8.0 * self.multiplier

    def _peer(self, name: str) -> Peer:
        peer = Peer(name, self.multiplier, self.verdict)
        self.peers.append(peer)
        return peer

    def listen(
        self,
        script: Callable[[PeerConn], Any] = echo,
        *,
        family: int = socket.AF_INET,
        connections: int = 1,
        tls: bool = False,
        path: Optional[str] = None,
        handshake_failed: Any = _RAISE,
    ) -> Peer:
        """A server peer on loopback (port 0, or a Unix path) running ``script`` per connection.

        ``peer.address`` is what to connect to; ``peer.result`` is the list of
        script results, one per connection, in accept order. With
        ``handshake_failed``, a TLS handshake the loop broke off (an abort()
        may drop its last handshake message, as it drops any buffered data) is
        that connection's result instead of the peer's failure.
        """
        peer = self._peer("server")
        listener = socket.socket(family, socket.SOCK_STREAM)
        peer.sockets.append(listener)
        try:
            if family == getattr(socket, "AF_UNIX", None):
                path = path or self.unix_path()
                listener.bind(path)
            else:
                listener.bind((LOOPBACK[family], 0))
            listener.listen(connections)
        except OSError as exc:
            raise SetupError(f"cannot listen on loopback: {exc}") from exc
        peer.address = listener.getsockname()
        listener.settimeout(self.timeout)

        def serve() -> list:
            results = []
            for _ in range(connections):
                raw, _addr = listener.accept()
                peer.sockets.append(raw)
                # An accepted socket does not inherit the listener's timeout:
                # without one, a peer the loop never answers would block past
                # its case, into later ones.
                conn = PeerConn(raw, self.timeout, peer.sockets)
                try:
                    if tls:
                        conn.secure(self.tls.server_context(), server_side=True)
                except OSError:
                    if handshake_failed is _RAISE:
                        raise
                    results.append(handshake_failed)
                    continue
                results.append(script(conn))
            return results

        peer.start(serve)
        return peer

    def connect(
        self,
        address: Any,
        script: Callable[[PeerConn], Any] = collect,
        *,
        family: int = socket.AF_INET,
        tls: bool = False,
        handshake_failed: Any = _RAISE,
    ) -> Peer:
        """A client peer that connects to ``address`` (the loop's server) and runs ``script``.

        ``handshake_failed``: as for :meth:`listen`.
        """
        peer = self._peer("client")
        sock = socket.socket(family, socket.SOCK_STREAM)
        peer.sockets.append(sock)
        peer.address = address

        def run() -> Any:
            conn = PeerConn(sock, self.timeout, peer.sockets)
            sock.connect(address)
            try:
                if tls:
                    conn.secure(self.tls.client_context(), server_hostname="localhost")
            except OSError:
                if handshake_failed is _RAISE:
                    raise
                return handshake_failed
            return script(conn)

        peer.start(run)
        return peer

    def socketpair(self, family: Optional[int] = None) -> tuple[socket.socket, PeerConn]:
        """(a non-blocking socket for the loop, the peer's blocking end of it)."""
        args = () if family is None else (family,)
        ours, theirs = socket.socketpair(*args)
        ours.setblocking(False)
        self.loose.extend([ours, theirs])
        return ours, PeerConn(theirs, self.timeout, self.loose)

    def run(self, script: Callable[[], Any], name: str = "thread") -> Peer:
        """Run any blocking function as a peer thread."""
        peer = self._peer(name)
        peer.start(script)
        return peer

    def udp(self, family: int = socket.AF_INET) -> socket.socket:
        """A blocking UDP socket bound to loopback port 0, closed after the case."""
        sock = socket.socket(family, socket.SOCK_DGRAM)
        sock.bind((LOOPBACK[family], 0))
        sock.settimeout(self.timeout)
        self.loose.append(sock)
        return sock

    def tcp_socket(self, family: int = socket.AF_INET) -> socket.socket:
        """A socket closed after the case (for sock_* methods and sock= arguments)."""
        sock = socket.socket(family, socket.SOCK_STREAM)
        self.loose.append(sock)
        return sock

    def unix_path(self, name: str = "sock") -> str:
        """A fresh filesystem path for a Unix socket, in a folder removed after the case."""
        folder = tempfile.mkdtemp(prefix="cf-")
        self.folders.append(folder)
        return os.path.join(folder, name)

    def _wake_datagram_peers(self) -> None:
        """Unblock peer threads still waiting in ``recvfrom()`` on our UDP sockets.

        shutdown() wakes a blocked stream socket but, on Linux, not an
        unconnected datagram socket, so a case that failed before sending (a
        missing ``sock_sendto()``, say) would leave its peer waiting out the
        whole peer timeout. Empty datagrams from loopback, sent until the peer
        threads end (a script may wait for several), end that wait; the case
        is over, so what a peer makes of them is never judged.
        """
        ports = [(sock.family, port) for sock in self.loose if (port := _udp_port(sock))]
        if not ports:
            return
        deadline = time.monotonic() + 2.0 * self.multiplier
        with contextlib.ExitStack() as stack:
            wakers = {}
            while time.monotonic() < deadline and any(
                peer.thread is not None and peer.thread.is_alive() for peer in self.peers
            ):
                for family, port in ports:
                    if family not in wakers:
                        wakers[family] = stack.enter_context(
                            socket.socket(family, socket.SOCK_DGRAM)
                        )
                    try:
                        wakers[family].sendto(b"", (LOOPBACK[family], port))
                    except OSError:
                        pass
                time.sleep(0.005)

    def close(self) -> None:
        # Wake every thread first: a peer script may be blocked on a loose
        # socket (the far end of a socketpair), and joining it before that
        # socket is shut down would wait out the peer timeout for nothing.
        for sock in self.loose:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._wake_datagram_peers()
        for peer in self.peers:
            peer.close()
        for sock in self.loose:
            sock.close()
        for folder in self.folders:
            shutil.rmtree(folder, ignore_errors=True)


def _udp_port(sock: socket.socket) -> Optional[int]:
    """The loopback port a UDP socket of ours is bound to, or None."""
    try:
        if sock.type != socket.SOCK_DGRAM or sock.family not in LOOPBACK:
            return None
        port = sock.getsockname()[1]
    except (OSError, IndexError):
        return None
    return port or None


class TLSMaterial:
    """A CA and a ``localhost`` certificate, as PEM text.

    Workers make them with trustme; reproducers carry the same PEM text
    inline, so they need no third-party package.
    """

    def __init__(self, pems: Optional[dict] = None) -> None:
        self.pems = pems
        self.folder: Optional[str] = None
        # Peer threads and the case ask for contexts concurrently.
        self._lock = threading.Lock()

    def _files(self) -> tuple[str, str]:
        if not self.pems:
            raise SetupError("no TLS certificates available (trustme is not installed)")
        with self._lock:
            if self.folder is None:
                folder = tempfile.mkdtemp(prefix="cf-tls-")
                for name in ("chain", "key"):
                    with open(os.path.join(folder, name + ".pem"), "w") as f:
                        f.write(self.pems[name])
                self.folder = folder  # only once both files are complete
            folder = self.folder
        return os.path.join(folder, "chain.pem"), os.path.join(folder, "key.pem")

    def server_context(self) -> Any:
        import ssl

        chain, key = self._files()
        # PROTOCOL_TLS_SERVER explicitly: on 3.9 create_default_context() gives a
        # generic context, on which num_tickets cannot be set.
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(chain, key)
        # TLS 1.3 session tickets arrive after the handshake; a client that
        # never reads them resets the connection when it closes, and a reset
        # can destroy data a case is waiting for. No tickets, no race.
        context.num_tickets = 0
        return context

    def client_context(self) -> Any:
        import ssl

        self._files()
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cadata=self.pems["ca"])
        return context

    def untrusting_client_context(self) -> Any:
        """A client context that does not trust our CA: verification must fail."""
        import ssl

        return ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cadata=self.pems_other_ca())

    def pems_other_ca(self) -> str:
        if not self.pems or "other_ca" not in self.pems:
            raise SetupError("no second CA available")
        return self.pems["other_ca"]

    def close(self) -> None:
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def make_tls_pems() -> Optional[dict]:
    """Certificates for ``localhost``, 127.0.0.1 and ::1, made with trustme (None without it)."""
    try:
        import trustme
    except ImportError:
        return None
    ca = trustme.CA()
    other = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1", "::1")
    return {
        "ca": ca.cert_pem.bytes().decode(),
        "other_ca": other.cert_pem.bytes().decode(),
        "chain": "".join(blob.bytes().decode() for blob in cert.cert_chain_pems),
        "key": cert.private_key_pem.bytes().decode(),
    }
