"""The names spec code can use, besides ``loop`` and a few stdlib modules.

See docs/spec-format.md for the table of names; keep the two in step.
"""

from __future__ import annotations

import asyncio
import builtins
import concurrent.futures
import contextlib
import socket
import ssl
import subprocess
import threading
import time
from typing import Any, Callable, Iterator, Optional

from .held import HeldCalls
from .kinds import TransportKinds
from .peers import Peers, TLSMaterial, collect, echo, hold, sender
from .protocols import ProtocolRegistry
from .values import (
    CaseFailure,
    NotObservable,
    SetupError,
    WaitGaveUp,
    counting_bytes,
    plain,
    raised_as,
    resolve_type,
    same,
    short_repr,
)


class CaseContext:
    """Per-case state shared by the helpers: the loop, the trace, the multiplier."""

    def __init__(
        self,
        loop: Any,
        multiplier: float = 1.0,
        machines: Optional[dict] = None,
        tls_pems: Optional[dict] = None,
        loop_refs: Optional[dict] = None,
    ) -> None:
        self.loop = loop
        self.multiplier = multiplier
        self.loop_refs = loop_refs or {}
        self.traced: list = []
        self.handler_calls: list = []
        self.deferred: list = []
        self.log_records: list = []  # the harness points this at its capture of "asyncio"
        #: True once the harness's capturing exception handler is installed on the loop.
        self.handler_captured = False
        self.protocols = ProtocolRegistry(machines or {}, multiplier)
        self.protocols.watch_streams()
        self.tls = TLSMaterial(tls_pems)
        self.peers = Peers(multiplier, self.tls, self.protocols)

    def defer(self, callback: Callable[..., Any], *args: Any) -> None:
        """Run ``callback(*args)`` after the case, even when it fails (last in, first out)."""
        self.deferred.append((callback, args))

    def cleanup(self) -> list:
        """Run deferred callbacks and close peers; return the errors they raised."""
        errors = []
        while self.deferred:
            callback, args = self.deferred.pop()
            try:
                callback(*args)
            except Exception as exc:
                errors.append(exc)
        self.protocols.unwatch_streams()
        for closer in (self.peers.close, self.tls.close):
            try:
                closer()
            except Exception as exc:
                errors.append(exc)
        return errors

    # -- the helpers handed to spec code -------------------------------------------

    def trace(self, *values: Any) -> None:
        self.traced.append(values[0] if len(values) == 1 else list(values))

    def scaled(self, seconds: float) -> float:
        return seconds * self.multiplier

    @staticmethod
    def check(condition: Any, message: str = "check failed") -> None:
        if not condition:
            raise CaseFailure(message)

    @staticmethod
    def equal(actual: Any, expected: Any, what: str = "value") -> None:
        expected = plain(expected)
        if not same(actual, expected):
            raise CaseFailure(
                f"{what}: expected {short_repr(expected)}, got {short_repr(actual)}",
                expected=short_repr(expected),
                actual=short_repr(actual),
            )

    @staticmethod
    @contextlib.contextmanager
    def raises(expected: Any, match: Optional[str] = None) -> Iterator[None]:
        import re

        exc_type = resolve_type(expected) if isinstance(expected, str) else expected
        try:
            yield
        except exc_type as exc:
            if not raised_as(exc, exc_type):  # a missing method is not the error expected
                raise CaseFailure(
                    f"expected {exc_type.__name__}, got {type(exc).__name__}: {exc}",
                    expected=exc_type.__name__,
                    actual=f"{type(exc).__name__}: {exc}",
                ) from exc
            if match is not None and not re.search(match, str(exc)):
                raise CaseFailure(
                    f"{exc_type.__name__} raised, but its message {str(exc)!r} does not match {match!r}",
                    expected=f"{exc_type.__name__} matching {match!r}",
                    actual=f"{type(exc).__name__}: {exc}",
                ) from exc
            return
        except CaseFailure:
            raise
        except BaseException as exc:
            raise CaseFailure(
                f"expected {exc_type.__name__}, got {type(exc).__name__}: {exc}",
                expected=exc_type.__name__,
                actual=f"{type(exc).__name__}: {exc}",
            ) from exc
        raise CaseFailure(
            f"expected {exc_type.__name__} to be raised, but nothing was raised",
            expected=exc_type.__name__,
            actual="no exception",
        )

    @staticmethod
    async def tick(n: int = 1) -> None:
        for _ in range(n):
            await asyncio.sleep(0)

    async def wait_until(
        self, predicate: Callable[[], Any], timeout: float = 5.0, what: str = "condition"
    ) -> None:
        seconds = self.protocols.wait_seconds(timeout)
        deadline = time.monotonic() + seconds
        while not predicate():
            if time.monotonic() > deadline:
                raise WaitGaveUp(f"{what} did not become true within {seconds:.1f}s")
            reason = self.protocols.decided()
            if reason:  # nothing the wait could bring would save the case
                raise WaitGaveUp(f"stopped waiting for {what}: {reason}")
            await asyncio.sleep(0.002)

    def in_thread(self, func: Callable[..., Any], *args: Any) -> Any:
        box: dict = {}

        def target() -> None:
            try:
                box["result"] = func(*args)
            except BaseException as exc:  # handed back to the caller below
                box["error"] = exc

        thread = threading.Thread(target=target, name="conformance-in-thread", daemon=True)
        thread.start()
        thread.join(self.scaled(10))
        if thread.is_alive():
            raise WaitGaveUp("the function run by in_thread() did not return within 10s")
        if "error" in box:
            raise box["error"]
        return box.get("result")

    def hold_calls(self, owner: Any, name: str, patience: float = 2.0) -> HeldCalls:
        """``owner.name`` held, inside ``async with``, until the loop fires timers (runtime/held.py).

        For a blocking function the loop is meant to call off its own thread
        (socket.getaddrinfo, say): the result's ``calls`` tell whether it
        did, and whether it kept running meanwhile.
        """
        return HeldCalls(self.loop, owner, name, self.scaled(patience))

    def claim_logs(self, match: str = "", min_level: str = "DEBUG") -> list:
        """Take the "asyncio" log records matching ``match`` out of the capture.

        The case then judges them itself (level, traceback text...), and they
        no longer count as unexpected errors. ``match`` is searched in the
        formatted record, traceback included.
        """
        import logging
        import re

        threshold = getattr(logging, min_level)
        formatter = logging.Formatter("%(levelname)s %(message)s")
        taken = [
            r
            for r in self.log_records
            if r.levelno >= threshold and re.search(match, formatter.format(r))
        ]
        for record in taken:
            self.log_records.remove(record)
        return taken

    def logged(self, match: str = "", min_level: str = "DEBUG") -> list:
        """The "asyncio" log records matching ``match``, claimed (see claim_logs); fails
        the case when there are none.

        The only effect of the default exception handler that the docs name is
        its record on the "asyncio" logger; a loop that logs nothing there fails
        every case that relies on it, for one cause.
        """
        taken = self.claim_logs(match, min_level)
        if not taken:
            raise CaseFailure(
                f"nothing matching {match!r} at {min_level} or above was logged on the "
                "'asyncio' logger",
                expected=f"a record matching {match!r}",
                actual="no record",
                cause="nothing was logged on the 'asyncio' logger",
            )
        return taken

    def claim_handler_calls(self, match: str = "") -> list:
        """Take exception-handler contexts whose message matches out of the record.

        For calls a loop may make or not (the stdlib reports some errors only in
        debug mode): the case judges them itself, and they no longer count as
        unexpected.
        """
        import re

        taken = [c for c in self.handler_calls if re.search(match, str(c.get("message", "")))]
        for context in taken:
            self.handler_calls.remove(context)
        return taken

    def loop_python(
        self,
        code: str,
        *,
        env: Optional[dict] = None,
        unset: tuple = (),
        flags: tuple = (),
        timeout: float = 30.0,
    ) -> subprocess.CompletedProcess:
        """Run ``code`` in a child Python where ``new_loop()`` makes the loop under test.

        For what only a fresh interpreter shows: ``-X dev``, environment
        variables read at start-up. Returns the CompletedProcess (text mode).
        """
        import os
        import sys
        import textwrap

        factory = self.loop_refs.get("factory")
        if not factory:
            raise SetupError("this run does not know how to rebuild the loop in a child process")
        prelude = [
            "import importlib",
            "def _ref(r):",
            "    m, _, a = r.partition(':')",
            "    o = importlib.import_module(m)",
            "    for p in a.split('.'):",
            "        o = getattr(o, p)",
            "    return o",
            f"new_loop = _ref({factory!r})",
        ]
        if self.loop_refs.get("setup"):
            prelude.append(f"_ref({self.loop_refs['setup']!r})()")
        source = "\n".join(prelude) + "\n" + textwrap.dedent(code)
        child_env = dict(os.environ)
        child_env.update(env or {})
        for name in unset:
            child_env.pop(name, None)
        return subprocess.run(
            [sys.executable, *flags, "-c", source],
            capture_output=True,
            text=True,
            env=child_env,
            timeout=self.scaled(timeout),
        )

    @staticmethod
    def run_briefly(loop: Any) -> None:
        loop.call_soon(loop.stop)
        loop.run_forever()

    def scope(self) -> dict:
        """The globals spec code runs with."""
        import contextvars
        import errno
        import functools
        import gc
        import os
        import selectors
        import signal
        import sys
        import warnings
        import weakref

        kinds = TransportKinds(self)

        return {
            "__builtins__": builtins,
            # Some stdlib code reads its caller's module name (3.12's deprecation
            # warnings in get_event_loop do), so case code needs one.
            "__name__": "__conformance_case__",
            "asyncio": asyncio,
            "concurrent": concurrent,
            "contextvars": contextvars,
            "functools": functools,
            "gc": gc,
            "os": os,
            "signal": signal,
            "socket": socket,
            "sys": sys,
            "threading": threading,
            "time": time,
            "warnings": warnings,
            "weakref": weakref,
            "loop": self.loop,
            "trace": self.trace,
            "traced": self.traced,
            "check": self.check,
            "equal": self.equal,
            "raises": self.raises,
            "tick": self.tick,
            "wait_until": self.wait_until,
            "scaled": self.scaled,
            "in_thread": self.in_thread,
            "hold_calls": self.hold_calls,
            "counting_bytes": counting_bytes,
            "run_briefly": self.run_briefly,
            "loop_python": self.loop_python,
            "claim_logs": self.claim_logs,
            "logged": self.logged,
            "claim_handler_calls": self.claim_handler_calls,
            "handler_calls": self.handler_calls,
            "multiplier": self.multiplier,
            "CaseFailure": CaseFailure,
            "SetupError": SetupError,
            "NotObservable": NotObservable,
            "errno": errno,
            "selectors": selectors,
            "ssl": ssl,
            "subprocess": subprocess,
            "defer": self.defer,
            "peers": self.peers,
            "tls": self.tls,
            "echo": echo,
            "collect": collect,
            "sender": sender,
            "hold": hold,
            "open_kind": kinds.open_kind,
            "open_writer": kinds.open_writer,
            "fill": kinds.fill,
            "write_until": kinds.write_until,
            **self.protocols.classes,
        }
