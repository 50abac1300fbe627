"""Snapshots of process-wide state, so that no case can affect the next one.

Workers run many cases in one process. A case (or a loop) may change the event
loop policy, environment variables, the working directory, signal handlers or
async generator hooks; it may also leave fds, threads or child processes
behind. We take a snapshot before each case, report what leaked after it, and
put everything back.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

_CATCHABLE = [
    s
    for s in signal.Signals
    if s not in (getattr(signal, "SIGKILL", None), getattr(signal, "SIGSTOP", None))
]


def open_fds() -> dict[int, str]:
    """Open fds of this process and what they point at (Linux, macOS)."""
    for folder in ("/proc/self/fd", "/dev/fd"):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        fds: dict[int, str] = {}
        for name in names:
            fd = int(name)
            try:
                fds[fd] = os.readlink(f"{folder}/{name}")
            except OSError:
                continue  # the listing's own directory fd, already closed
        return fds
    return {}


def child_pids() -> set[int]:
    """Live child processes of this process (Linux), including zombies."""
    pids: set[int] = set()
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return pids
    for tid in tasks:
        try:
            with open(f"/proc/self/task/{tid}/children") as f:
                pids.update(int(p) for p in f.read().split())
        except OSError:
            continue
    return pids


def fd_kind(target: str) -> str:
    """What sort of thing an fd points at, without the numbers that differ per instance."""
    if target.startswith(("socket:", "pipe:")):
        return target.split(":", 1)[0]
    if target.startswith("anon_inode:"):
        return target  # anon_inode:[eventfd], anon_inode:[eventpoll], ...
    if target.startswith("/dev/"):
        return target
    return "file"


@dataclass
class Leaks:
    """Resources a case left behind, as found right after it."""

    fds: dict[int, str] = field(default_factory=dict)
    threads: list = field(default_factory=list)
    children: set[int] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.fds or self.threads or self.children)

    def signature(self) -> frozenset[str]:
        """The kinds of what leaked, for telling a repeated leak from a one-off."""
        kinds = {f"fd:{fd_kind(t)}" for t in self.fds.values()}
        kinds.update(f"thread:{thread_family(t.name)}" for t in self.threads)
        if self.children:
            kinds.add("children")
        return frozenset(kinds)

    def describe_fds(self) -> str:
        return "fds left open: " + ", ".join(
            f"{fd} -> {target}" for fd, target in sorted(self.fds.items())
        )

    def describe_children(self) -> str:
        return "child processes left running: " + ", ".join(map(str, sorted(self.children)))


def thread_family(name: str) -> str:
    """A thread's name without its serial numbers: 'ThreadPoolExecutor-3_0' -> 'ThreadPoolExecutor-_'."""
    return "".join(ch for ch in name if not ch.isdigit())


def describe_threads(threads: list) -> str:
    return "threads left running: " + ", ".join(t.name for t in threads)


@dataclass
class Snapshot:
    policy: Any
    environ: dict
    cwd: str
    handlers: dict
    wakeup_fd: int
    asyncgen_hooks: Any
    #: sys.get_coroutine_origin_tracking_depth(): a loop in debug mode turns it
    #: on, and left on it would let the next case's loop pass without doing so.
    origin_depth: int
    fds: dict[int, str]
    threads: set
    children: set[int]
    notes: list[str] = field(default_factory=list)

    @classmethod
    def take(cls) -> Snapshot:
        handlers = {}
        in_main = threading.current_thread() is threading.main_thread()
        if in_main:
            for sig in _CATCHABLE:
                try:
                    handlers[sig] = signal.getsignal(sig)
                except (OSError, ValueError):
                    pass
        wakeup = -1
        if in_main:
            wakeup = signal.set_wakeup_fd(-1)
            signal.set_wakeup_fd(wakeup)
        return cls(
            policy=asyncio.get_event_loop_policy(),
            environ=dict(os.environ),
            cwd=os.getcwd(),
            handlers=handlers,
            wakeup_fd=wakeup,
            asyncgen_hooks=sys.get_asyncgen_hooks(),
            origin_depth=sys.get_coroutine_origin_tracking_depth(),
            fds=open_fds(),
            threads=set(threading.enumerate()),
            children=child_pids(),
        )

    def leaks(self, wait: float = 0.05) -> Leaks:
        """What appeared since the snapshot and is still there: fds, threads, children.

        Gives them ``wait`` seconds to go away: a closed loop closes its own fds
        at once, and a loop that leaks in every case must not cost more per case.
        Threads that are still alive are only *candidates*: the worker checks
        them again after a grace period (see conformance/worker.py), because
        idle thread caches end on their own.
        """
        start = time.monotonic()
        while True:
            found = Leaks(
                fds={
                    fd: target
                    for fd, target in open_fds().items()
                    if fd not in self.fds or self.fds[fd] != target
                },
                threads=[
                    t for t in threading.enumerate() if t not in self.threads and t.is_alive()
                ],
                children=child_pids() - self.children,
            )
            if not found or time.monotonic() - start > wait:
                return found
            time.sleep(0.005)

    def reap_children(self) -> None:
        """Kill and reap children the case left, so they cannot outlive the worker."""
        for pid in child_pids() - self.children:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                os.waitpid(pid, 0)
            except OSError:
                pass

    def restore(self) -> list[str]:
        """Put global state back; return a note for everything that had changed."""
        changed = []
        if asyncio.get_event_loop_policy() is not self.policy:
            changed.append("the event loop policy")
        asyncio.set_event_loop_policy(self.policy)
        try:
            self.policy.set_event_loop(None)
        except Exception:
            pass
        if asyncio._get_running_loop() is not None:  # exported in asyncio.__all__
            changed.append("a running loop was left set")
            asyncio._set_running_loop(None)
        if dict(os.environ) != self.environ:
            changed.append("environment variables")
            os.environ.clear()
            os.environ.update(self.environ)
        if os.getcwd() != self.cwd:
            changed.append("the working directory")
            os.chdir(self.cwd)
        for sig, handler in self.handlers.items():
            try:
                if signal.getsignal(sig) != handler:
                    changed.append(f"the {sig.name} handler")
                    signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
            except (OSError, ValueError, TypeError):
                pass
        if self.handlers:
            current = signal.set_wakeup_fd(self.wakeup_fd)
            if current != self.wakeup_fd:
                changed.append("the signal wake-up fd")
        if sys.get_asyncgen_hooks() != self.asyncgen_hooks:
            changed.append("the async generator hooks")
            sys.set_asyncgen_hooks(*self.asyncgen_hooks)
        if sys.get_coroutine_origin_tracking_depth() != self.origin_depth:
            changed.append("the coroutine origin tracking depth")
            sys.set_coroutine_origin_tracking_depth(self.origin_depth)
        return changed
