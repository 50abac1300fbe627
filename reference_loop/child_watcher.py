"""Learning, inside the loop, that a child process has exited.

The subprocess transport (``reference_loop/transports/subprocess.py``) needs one
thing from the loop: a callback, run in the loop, with the child's return code
once it exits. That is all this module offers: ``watch_child(loop, pid,
callback)``.

On Linux 5.3+ a pidfd (``os.pidfd_open``) becomes readable when the process
exits, so the loop's own poll does the waiting and no thread or SIGCHLD
handler is involved; this works in any thread and with any number of loops.
Elsewhere one thread per child blocks in ``os.waitpid`` and hands the result
to the loop with ``call_soon_threadsafe``.

The return code follows ``subprocess.Popen.returncode``: the exit status, or
the negative signal number when a signal killed the child.
"""

from __future__ import annotations

import asyncio
import os
import threading
import weakref
from typing import Callable

from .base_loop import logger

__all__ = ["ChildWatch", "watch_child", "close_child_watches"]

ExitCallback = Callable[[int, int], object]

# Return code reported when the child's status cannot be known (it was reaped
# by somebody else); subprocess uses the same value in that situation.
UNKNOWN_RETURNCODE = 255

# The watches each loop still has running, so that closing the loop can
# release their pidfds. Keyed weakly: a forgotten loop takes its entry along.
_active: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, set[ChildWatch]] = (
    weakref.WeakKeyDictionary()
)
_active_lock = threading.Lock()


def _returncode(status: int) -> int:
    """Turn a ``waitpid`` status into a ``Popen.returncode``."""
    if hasattr(os, "waitstatus_to_exitcode"):
        try:
            return os.waitstatus_to_exitcode(status)
        except ValueError:
            return UNKNOWN_RETURNCODE
    if os.WIFSIGNALED(status):  # pragma: no cover - Python < 3.9
        return -os.WTERMSIG(status)
    if os.WIFEXITED(status):  # pragma: no cover - Python < 3.9
        return os.WEXITSTATUS(status)
    return UNKNOWN_RETURNCODE  # pragma: no cover


def _reap(pid: int, block: bool) -> int | None:
    """Collect the child; None if it has not exited yet (non-blocking only)."""
    while True:
        try:
            got, status = os.waitpid(pid, 0 if block else os.WNOHANG)
        except InterruptedError:
            continue
        except ChildProcessError:
            logger.warning("Unknown child process pid %d, will report returncode 255", pid)
            return UNKNOWN_RETURNCODE
        if got == 0:
            return None
        return _returncode(status)


class ChildWatch:
    """One child being watched for one loop. ``cancel()`` stops watching."""

    def __init__(self, loop: asyncio.AbstractEventLoop, pid: int, callback: ExitCallback) -> None:
        self.loop = loop
        self.pid = pid
        self.callback = callback
        self.pidfd: int | None = None
        self.done = False

    def _start(self) -> None:
        with _active_lock:
            _active.setdefault(self.loop, set()).add(self)
        if hasattr(os, "pidfd_open"):
            try:
                self.pidfd = os.pidfd_open(self.pid)
            except ProcessLookupError:
                # Already gone (and perhaps already reaped): settle at once.
                self.loop.call_soon(self._deliver, _reap(self.pid, block=False))
                return
            except OSError:
                self.pidfd = None  # kernel without pidfd support: use a thread
            else:
                self.loop.add_reader(self.pidfd, self._pidfd_readable)
                return
        thread = threading.Thread(
            target=self._wait_in_thread, name=f"reference-loop-waitpid-{self.pid}", daemon=True
        )
        thread.start()

    def _pidfd_readable(self) -> None:
        returncode = _reap(self.pid, block=False)
        if returncode is None:  # spurious wake-up
            return
        self._release_pidfd()
        self._deliver(returncode)

    def _wait_in_thread(self) -> None:
        returncode = _reap(self.pid, block=True)
        try:
            self.loop.call_soon_threadsafe(self._deliver, returncode)
        except RuntimeError:
            # The loop was closed while the child ran; nobody is listening.
            self._forget()

    def _deliver(self, returncode: int | None) -> None:
        if self.done:
            return
        if returncode is None:
            returncode = UNKNOWN_RETURNCODE
        self._forget()
        self.callback(self.pid, returncode)

    def _release_pidfd(self) -> None:
        pidfd, self.pidfd = self.pidfd, None
        if pidfd is not None:
            if not self.loop.is_closed():
                self.loop.remove_reader(pidfd)
            os.close(pidfd)

    def _forget(self) -> None:
        self.done = True
        with _active_lock:
            watches = _active.get(self.loop)
            if watches is not None:
                watches.discard(self)

    def cancel(self) -> None:
        """Stop watching; the callback will not be called."""
        if self.done:
            return
        self._forget()
        self._release_pidfd()


def watch_child(loop: asyncio.AbstractEventLoop, pid: int, callback: ExitCallback) -> ChildWatch:
    """Call ``callback(pid, returncode)`` in ``loop`` once child ``pid`` exits.

    The child is reaped here, so nobody else should ``waitpid`` it. The
    callback runs exactly once, from the loop, unless the watch is cancelled
    or the loop is closed first.
    """
    watch = ChildWatch(loop, pid, callback)
    watch._start()
    return watch


def close_child_watches(loop: asyncio.AbstractEventLoop) -> None:
    """Release what ``loop``'s watches hold (pidfds); called when it closes.

    The children themselves are not reaped: a waitpid thread, where one is
    used, still collects its child so that no zombie is left behind.
    """
    with _active_lock:
        watches = list(_active.pop(loop, ()))
    for watch in watches:
        if watch.pidfd is not None:
            watch.done = True
            watch._release_pidfd()
