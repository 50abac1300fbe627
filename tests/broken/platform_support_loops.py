"""A loop that a refused regular-file fd leaves in a bad state."""

from __future__ import annotations

import asyncio
import os
import stat


class StaleFileFdLoop(asyncio.SelectorEventLoop):
    """add_reader() refuses a regular file but remembers it, so remove_reader() then raises."""

    def __init__(self) -> None:
        super().__init__()
        self._refused_fds: set = set()

    def add_reader(self, fd, callback, *args):  # type: ignore[override]
        if isinstance(fd, int) and stat.S_ISREG(os.fstat(fd).st_mode):
            self._refused_fds.add(fd)
            raise PermissionError(1, "regular files cannot be watched")
        return super().add_reader(fd, callback, *args)

    def remove_reader(self, fd):  # type: ignore[override]
        if fd in self._refused_fds:
            raise KeyError(f"{fd} is half-registered")
        return super().remove_reader(fd)
