"""Subprocesses: subprocess_exec and subprocess_shell.

The child's pipes become pipe transports inside a ``ProcessTransport``; its
exit is learnt from ``reference_loop.child_watcher``.
"""

from __future__ import annotations

import asyncio
import subprocess
from typing import Any, Tuple, Union

from .. import child_watcher
from ..transports.subprocess import ProcessTransport
from .common import ProtocolFactory


class SubprocessMixin:
    """Child processes with pipe transports."""

    async def subprocess_exec(
        self,
        protocol_factory: ProtocolFactory,
        program: Any,
        *args: Any,
        stdin: Any = subprocess.PIPE,
        stdout: Any = subprocess.PIPE,
        stderr: Any = subprocess.PIPE,
        universal_newlines: bool = False,
        shell: bool = False,
        bufsize: int = 0,
        encoding: str | None = None,
        errors: str | None = None,
        text: bool | None = None,
        **kwargs: Any,
    ) -> Tuple[asyncio.SubprocessTransport, Any]:
        """Start ``program *args`` without a shell.

        Clauses: ``loop.subprocess_exec/argv-from-args``,
        ``loop.subprocess_exec/no-shell``, ``loop.subprocess_exec/bytes-args``,
        ``loop.subprocess_exec/returns-pair``, ``loop.subprocess_exec/stdin``,
        ``loop.subprocess_exec/stdout``, ``loop.subprocess_exec/stderr``,
        ``loop.subprocess_exec/stderr-to-stdout``, ``loop.subprocess_exec/none-inherits``,
        ``loop.subprocess_exec/popen-kwargs``, ``loop.subprocess_exec/forbidden-kwargs``,
        ``loop.subprocess_exec/text-mode-rejected``,
        ``loop.subprocess_exec/close-kills-running-child``.
        """
        check_popen_arguments(universal_newlines, shell, False, bufsize, text, encoding, errors)
        argv = (program,) + args
        return await spawn(self, protocol_factory, argv, False, stdin, stdout, stderr, kwargs)

    async def subprocess_shell(
        self,
        protocol_factory: ProtocolFactory,
        cmd: Union[str, bytes],
        *,
        stdin: Any = subprocess.PIPE,
        stdout: Any = subprocess.PIPE,
        stderr: Any = subprocess.PIPE,
        universal_newlines: bool = False,
        shell: bool = True,
        bufsize: int = 0,
        encoding: str | None = None,
        errors: str | None = None,
        text: bool | None = None,
        **kwargs: Any,
    ) -> Tuple[asyncio.SubprocessTransport, Any]:
        """Start *cmd* through the platform shell.

        Clauses: ``loop.subprocess_shell/shell-command``,
        ``loop.subprocess_shell/returns-pair``, ``loop.subprocess_shell/remaining-arguments``,
        ``loop.subprocess_shell/forbidden-kwargs``,
        ``loop.subprocess_shell/cmd-must-be-a-string``.
        """
        if not isinstance(cmd, (bytes, str)):
            raise ValueError("cmd must be a string")
        check_popen_arguments(universal_newlines, shell, True, bufsize, text, encoding, errors)
        return await spawn(self, protocol_factory, cmd, True, stdin, stdout, stderr, kwargs)


def check_popen_arguments(
    universal_newlines: bool,
    shell: bool,
    shell_wanted: bool,
    bufsize: int,
    text: bool | None,
    encoding: str | None,
    errors: str | None,
) -> None:
    """Refuse the Popen arguments the loop's pipes cannot honour.

    The loop's pipes carry bytes unbuffered, and whether a shell runs is the
    method's choice (exec or shell), so text mode, buffering and a contrary
    ``shell`` are ValueErrors, checked in this order.
    """
    if universal_newlines:
        raise ValueError("universal_newlines must be False")
    if bool(shell) != shell_wanted:
        raise ValueError(f"shell must be {shell_wanted}")
    if bufsize != 0:
        raise ValueError("bufsize must be 0")
    if text:
        raise ValueError("text must be False")
    if encoding is not None:
        raise ValueError("encoding must be None")
    if errors is not None:
        raise ValueError("errors must be None")


async def spawn(
    loop: Any,
    protocol_factory: ProtocolFactory,
    args: Any,
    shell: bool,
    stdin: Any,
    stdout: Any,
    stderr: Any,
    kwargs: dict,
) -> Tuple[asyncio.SubprocessTransport, Any]:
    protocol = protocol_factory()
    transport = ProcessTransport(
        loop,
        protocol,
        args,
        shell,
        stdin,
        stdout,
        stderr,
        child_watcher.watch_child,
        **kwargs,
    )
    try:
        await transport._connect()
    except BaseException:
        transport.close()
        await transport._wait()
        raise
    return transport, protocol
