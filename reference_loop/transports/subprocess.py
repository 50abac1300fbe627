"""The subprocess transport: one child process and up to three pipe transports.

``subprocess.Popen`` starts the child; its stdin/stdout/stderr pipes become
ordinary pipe transports whose protocols only forward to the
SubprocessProtocol, tagged with the child's fd number. The loop learns of the
child's exit through ``reference_loop.child_watcher.watch_child``, never by
polling ``Popen`` (which would reap the child behind the watcher's back).

The order the docs promise is kept by holding back every callback until the
protocol's ``connection_made`` has run, then: ``pipe_data_received`` per fd,
``pipe_connection_lost`` once per pipe, ``process_exited`` once, and
``connection_lost`` last, after the process exited *and* every pipe closed.

Clauses: ``SubprocessTransport.get_pid/pid``,
``SubprocessTransport.get_returncode/none-then-code``,
``SubprocessTransport.get_pipe_transport/per-fd``,
``SubprocessTransport.kill/sigkill``, ``SubprocessTransport.terminate/sigterm``,
``SubprocessTransport.send_signal/sends-signal``,
``SubprocessTransport.close/kills-and-closes-pipes``,
``BaseTransport.get_extra_info/subprocess-key``,
``SubprocessProtocol.pipe_data_received/per-fd-data``,
``SubprocessProtocol.pipe_connection_lost/once-per-pipe``,
``SubprocessProtocol.process_exited/on-exit``,
``SubprocessProtocol.process_exited/connection-lost-last``,
``loop.subprocess_exec/returns-pair``.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from typing import Any, Callable, Dict, List

from ..waiters import settle
from .base import TransportLifecycle


class _PipeForwarder(asyncio.Protocol):
    """Protocol of one child pipe: tells the process transport what happens."""

    def __init__(self, owner: ProcessTransport, fd: int) -> None:
        self.owner = owner
        self.fd = fd
        self.transport: asyncio.BaseTransport | None = None
        self.lost = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.owner._deliver(self.owner._protocol_call, "pipe_data_received", self.fd, data)

    def eof_received(self) -> None:
        return None

    def connection_lost(self, exc: BaseException | None) -> None:
        self.lost = True
        self.owner._pipe_lost(self.fd, exc)

    def pause_writing(self) -> None:
        self.owner._deliver(self.owner._protocol_call, "pause_writing")

    def resume_writing(self) -> None:
        self.owner._deliver(self.owner._protocol_call, "resume_writing")


class ProcessTransport(TransportLifecycle, asyncio.SubprocessTransport):
    """A SubprocessTransport driving a ``subprocess.Popen`` from the loop.

    Built in two steps because connecting the pipes is a coroutine:
    ``ProcessTransport(...)`` starts the child, then ``await t._connect()``
    wraps the pipes and schedules ``connection_made``.

    Its lifecycle is the shared one, with two differences that come from a
    child not being a file: ``close()`` kills rather than flushes, and what
    the program owes is a call to ``close()`` (the lifecycle's ``_resource``
    is the ``Popen`` until then), since the child watch reaps the child
    whenever it exits; so the end of the connection releases nothing, and an
    unclosed transport is only warned about.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        protocol: asyncio.SubprocessProtocol,
        args: Any,
        shell: bool,
        stdin: Any,
        stdout: Any,
        stderr: Any,
        watch_child: Callable[..., Any],
        **kwargs: Any,
    ) -> None:
        proc = subprocess.Popen(
            args,
            shell=shell,
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            universal_newlines=False,
            bufsize=0,
            **kwargs,
        )
        self._init_lifecycle(loop, protocol, {"subprocess": proc}, resource=proc)
        self._proc: subprocess.Popen | None = proc
        self._pid = proc.pid
        self._returncode: int | None = None
        self._connected = False
        self._held: List[tuple] = []
        self._pipes: Dict[int, _PipeForwarder | None] = {}
        self._exit_waiters: List[asyncio.Future] = []
        self._watch = watch_child(loop, self._pid, self._on_exit)

    def __repr__(self) -> str:
        state = "closed" if self._closing else "open"
        return f"<{type(self).__name__} pid={self._pid} returncode={self._returncode} {state}>"

    async def _connect(self) -> None:
        proc = self._proc
        assert proc is not None
        loop = self._loop
        if proc.stdin is not None:
            _, fwd = await loop.connect_write_pipe(lambda: _PipeForwarder(self, 0), proc.stdin)
            self._pipes[0] = fwd  # type: ignore[assignment]
        if proc.stdout is not None:
            _, fwd = await loop.connect_read_pipe(lambda: _PipeForwarder(self, 1), proc.stdout)
            self._pipes[1] = fwd  # type: ignore[assignment]
        if proc.stderr is not None:
            _, fwd = await loop.connect_read_pipe(lambda: _PipeForwarder(self, 2), proc.stderr)
            self._pipes[2] = fwd  # type: ignore[assignment]
        # connection_made has run by the time the loop method returns, as
        # for every other transport.
        made = loop.create_future()
        self._schedule_connection_made(made, self._release_held)
        await made

    def _release_held(self) -> None:
        """Deliver what happened before connection_made, in order; deliver directly from now on."""
        self._connected = True
        held, self._held = self._held, []
        for func, args in held:
            func(*args)

    def _deliver(self, func: Callable[..., Any], *args: Any) -> None:
        if self._connected:
            func(*args)
        else:
            self._held.append((func, args))

    def _protocol_call(self, method: str, *args: Any) -> None:
        self._call_protocol(f"Exception in SubprocessProtocol.{method}()", method, *args)

    # -- events ------------------------------------------------------------------

    def _pipe_lost(self, fd: int, exc: BaseException | None) -> None:
        self._deliver(self._protocol_call, "pipe_connection_lost", fd, exc)
        self._deliver(self._maybe_finish)

    def _on_exit(self, pid: int, returncode: int) -> None:
        self._returncode = returncode
        if self._proc is not None and self._proc.returncode is None:
            self._proc.returncode = returncode
        self._deliver(self._protocol_call, "process_exited")
        waiters, self._exit_waiters = self._exit_waiters, []
        for waiter in waiters:
            settle(waiter, result=returncode)
        self._deliver(self._maybe_finish)

    def _maybe_finish(self) -> None:
        # connection_lost comes last: after the exit and after every pipe.
        if self._returncode is None:
            return
        if any(fwd is not None and not fwd.lost for fwd in self._pipes.values()):
            return
        self._schedule_connection_lost(None)

    def _release(self) -> None:
        self._proc = None

    def _close_resource(self, resource: Any) -> None:
        pass  # a Popen has nothing to close; see the class docstring

    async def _wait(self) -> int:
        """Wait for the child to exit; used by the loop when setup fails."""
        if self._returncode is not None:
            return self._returncode
        waiter = self._loop.create_future()
        self._exit_waiters.append(waiter)
        return await waiter

    # -- public API --------------------------------------------------------------

    def get_pid(self) -> int:
        """The child's process id.

        Clauses: ``SubprocessTransport.get_pid/pid``.
        """
        return self._pid

    def get_returncode(self) -> int | None:
        """None while the child runs, then its return code.

        Clauses: ``SubprocessTransport.get_returncode/none-then-code``.
        """
        return self._returncode

    def get_pipe_transport(self, fd: int) -> asyncio.BaseTransport | None:
        """The pipe transport of child fd 0, 1 or 2, or None.

        Clauses: ``SubprocessTransport.get_pipe_transport/per-fd``.
        """
        fwd = self._pipes.get(fd)
        return None if fwd is None else fwd.transport

    def send_signal(self, signal: int) -> None:
        """Send ``signal`` to the child.

        Clauses: ``SubprocessTransport.send_signal/sends-signal``.
        """
        if self._proc is None:
            raise ProcessLookupError()
        if self._returncode is None:
            try:
                os.kill(self._pid, signal)
            except ProcessLookupError:
                pass

    def terminate(self) -> None:
        """Ask the child to stop (SIGTERM).

        Clauses: ``SubprocessTransport.terminate/sigterm``.
        """
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        """Kill the child (SIGKILL).

        Clauses: ``SubprocessTransport.kill/sigkill``.
        """
        self.send_signal(signal.SIGKILL)

    def close(self) -> None:
        """Close the pipes and kill the child if it still runs.

        Clauses: ``SubprocessTransport.close/kills-and-closes-pipes``,
        ``BaseTransport.close/other-kinds-lose-connection``,
        ``BaseTransport.is_closing/tracks-close``.
        """
        if self._closing:
            return
        self._closing = True
        self._resource = None  # closed as the program owed: nothing to warn about
        for fwd in self._pipes.values():
            if fwd is not None and fwd.transport is not None:
                fwd.transport.close()
        if self._returncode is None:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
