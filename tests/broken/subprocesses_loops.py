"""Loops that each break one documented behaviour of loop.subprocess_exec/subprocess_shell."""

from __future__ import annotations

import asyncio
import subprocess


class StderrNotMergedLoop(asyncio.SelectorEventLoop):
    """stderr=subprocess.STDOUT is treated as stderr=PIPE: stderr gets its own pipe."""

    async def subprocess_exec(self, protocol_factory, *args, stderr=subprocess.PIPE, **kwargs):  # type: ignore[override]
        if stderr == subprocess.STDOUT:
            stderr = subprocess.PIPE
        return await super().subprocess_exec(protocol_factory, *args, stderr=stderr, **kwargs)


class ForbiddenKwargsIgnoredLoop(asyncio.SelectorEventLoop):
    """bufsize, universal_newlines and shell are silently dropped instead of refused."""

    async def subprocess_exec(self, protocol_factory, *args, **kwargs):  # type: ignore[override]
        for name in ("bufsize", "universal_newlines", "shell"):
            kwargs.pop(name, None)
        return await super().subprocess_exec(protocol_factory, *args, **kwargs)
