"""Watched protocol classes: every callback a loop makes is checked against a machine.

Spec code subclasses the ``Protocol``, ``BufferedProtocol``, ``DatagramProtocol``
and ``SubprocessProtocol`` it finds in scope (the validator rejects direct
``asyncio.*Protocol`` use). Those bases wrap every callback, including the
ones a subclass overrides, so that each call is

- recorded (``proto.events``, ``proto.received``, ``proto.transport`` ...), which
  keeps case code short; and
- fed to the state machines declared as data in specs/state-machines.yaml.
  An illegal order is a violation that fails the case, naming the machine and
  the transition; a protocol left connected when the case ends is one too.

Stdlib only: ``repro`` inlines this file.
"""

from __future__ import annotations

import asyncio
import time
import types
from typing import Any

from .values import WaitGaveUp

CALLBACKS = {
    "Protocol": (
        "connection_made",
        "connection_lost",
        "pause_writing",
        "resume_writing",
        "data_received",
        "eof_received",
    ),
    "BufferedProtocol": (
        "connection_made",
        "connection_lost",
        "pause_writing",
        "resume_writing",
        "get_buffer",
        "buffer_updated",
        "eof_received",
    ),
    "DatagramProtocol": (
        "connection_made",
        "connection_lost",
        "pause_writing",
        "resume_writing",
        "datagram_received",
        "error_received",
    ),
    "SubprocessProtocol": (
        "connection_made",
        "connection_lost",
        "pause_writing",
        "resume_writing",
        "pipe_data_received",
        "pipe_connection_lost",
        "process_exited",
    ),
}
_BASES = {
    "Protocol": asyncio.Protocol,
    "BufferedProtocol": asyncio.BufferedProtocol,
    "DatagramProtocol": asyncio.DatagramProtocol,
    "SubprocessProtocol": asyncio.SubprocessProtocol,
}


def _rule_holds(rule: str, value: Any) -> bool:
    if rule == "non-empty-bytes":
        return isinstance(value, bytes) and len(value) > 0
    if rule == "bytes":
        return isinstance(value, bytes)
    if rule == "exception-or-none":
        return value is None or isinstance(value, BaseException)
    if rule == "oserror":
        return isinstance(value, OSError)
    if rule == "non-negative-int":
        return isinstance(value, int) and value >= 0
    if rule == "positive-int":
        return isinstance(value, int) and value > 0
    raise LookupError(f"unknown argument rule {rule!r}")


class MachineTrack:
    """One protocol instance's position in one machine."""

    def __init__(self, name: str, machine: dict) -> None:
        self.name = name
        self.machine = machine
        self.state = machine["start"]
        self.events = {t["event"] for t in machine["transitions"]}
        self.history: list[str] = []

    def step(self, event: str) -> str | None:
        """Advance on ``event``; return a violation message when it is illegal here."""
        if event not in self.events:
            return None
        for transition in self.machine["transitions"]:
            sources = transition["from"]
            sources = [sources] if isinstance(sources, str) else sources
            if transition["event"] == event and self.state in sources:
                self.history.append(event)
                if transition["to"] != "@same":  # "@same": the event leaves the state as it is
                    self.state = transition["to"]
                return None
        allowed = sorted(
            {
                t["event"]
                for t in self.machine["transitions"]
                if self.state in ([t["from"]] if isinstance(t["from"], str) else t["from"])
            }
        )
        seen = " -> ".join(["start"] + self.history)
        return (
            f"state machine {self.name}: {event} is not allowed in state {self.state!r} "
            f"(after {seen}); allowed here: {', '.join(allowed) or 'nothing'}"
        )

    def can_still(self, event: str) -> bool:
        """Whether ``event`` is legal now or in some state the machine can still reach.

        A protocol whose machine says an event can never come again (after
        connection_lost, say) cannot be waited for: the wait would only run
        out its timeout.
        """
        if event not in self.events:
            return True  # this machine has no opinion about the event
        seen, todo = set(), [self.state]
        while todo:
            state = todo.pop()
            if state in seen:
                continue
            seen.add(state)
            for transition in self.machine["transitions"]:
                sources = transition["from"]
                sources = [sources] if isinstance(sources, str) else sources
                if state not in sources:
                    continue
                if transition["event"] == event:
                    return True
                todo.append(state if transition["to"] == "@same" else transition["to"])
        return False

    def unfinished(self) -> str | None:
        if self.state in self.machine.get("final", []):
            return None
        seen = " -> ".join(["start"] + self.history)
        return (
            f"state machine {self.name}: the case ended in state {self.state!r} "
            f"(after {seen}); it must end in one of {self.machine.get('final', [])} "
            f"({self.machine.get('unfinished', 'a connection was left open')})"
        )


class Watch:
    """Everything recorded about one protocol instance."""

    def __init__(self, kind: str, label: str, machines: dict, violations: list) -> None:
        self.kind = kind
        self.label = label
        self.violations = violations
        #: time.monotonic() of connection_lost, once it has been called.
        self.lost_at: float | None = None
        self.tracks = [
            MachineTrack(name, m) for name, m in machines.items() if kind in m.get("applies_to", [])
        ]
        self.checks = [
            (name, c)
            for name, m in machines.items()
            if kind in m.get("applies_to", [])
            for c in m.get("checks", [])
        ]

    def event(self, name: str, args: tuple) -> None:
        if name == "connection_lost" and self.lost_at is None:
            self.lost_at = time.monotonic()
        for track in self.tracks:
            problem = track.step(name)
            if problem:
                self.violations.append(f"{self.label}: {problem}")
        for machine_name, check in self.checks:
            if check["event"] == name and len(args) > check.get("arg", 0):
                value = args[check.get("arg", 0)]
                if not _rule_holds(check["rule"], value):
                    self.violations.append(
                        f"{self.label}: state machine {machine_name}: {name} got {value!r:.80}, "
                        f"which breaks the rule {check['rule']} ({check.get('why', '')})"
                    )

    def finish(self) -> None:
        for track in self.tracks:
            problem = track.unfinished()
            if problem:
                self.violations.append(f"{self.label}: {problem}")


def _wrap(kind: str, name: str, func: Any, registry: ProtocolRegistry) -> Any:
    # A callback is recorded once however many overrides chain to it through
    # super(), so the depth is counted per callback name: a loop that calls
    # connection_lost() from inside data_received() (close() there, made
    # synchronous) still has that connection_lost() recorded.
    key = f"_cf_depth_{name}"

    def wrapper(self: Any, *args: Any) -> Any:
        depth = self.__dict__.get(key, 0)
        if depth == 0:
            registry.record(self, kind, name, args)
        self.__dict__[key] = depth + 1
        try:
            result = func(self, *args)
        finally:
            self.__dict__[key] = depth
        if depth == 0 and name == "get_buffer":
            self.__dict__["_cf_last_buffer"] = result
        return result

    wrapper.__name__ = name
    wrapper.__qualname__ = getattr(func, "__qualname__", name)
    wrapper.__wrapped__ = func
    return wrapper


class ProtocolRegistry:
    """Per-case: the watched base classes and every protocol instance they produced."""

    def __init__(self, machines: dict, multiplier: float = 1.0) -> None:
        self.machines = machines
        self.multiplier = multiplier
        #: The longest any one wait of the case may last, in seconds, or None (see
        #: wait_seconds()). Set for a case the loop's expectations say fails there.
        self.patience: float | None = None
        self.violations: list[str] = []
        #: Checks of the case that failed so far (see decided()).
        self.failures: list[str] = []
        #: Connections of asyncio's streams (see watch_streams()).
        self.stream_watches: list[_StreamWatch] = []
        self.watches: list[Watch] = []
        self.classes = {kind: self._make_base(kind) for kind in CALLBACKS}

    def _make_base(self, kind: str) -> type:
        registry = self
        base = _BASES[kind]
        namespace: dict = {
            "__doc__": f"A watched {kind}: subclass it in spec code.",
            # Read-only defaults, so a case can poll ``proto.received`` before the
            # first callback; the first callback gives each instance its own.
            "events": (),
            "calls": (),
            "received": b"",
            "datagrams": (),
            "pipe_data": types.MappingProxyType({}),
            "transport": None,
            "lost_exc": None,
        }
        for name in CALLBACKS[kind]:
            namespace[name] = _wrap(kind, name, getattr(base, name), registry)

        def __init_subclass__(cls: type, **kwargs: Any) -> None:
            for name in CALLBACKS[kind]:
                if name in cls.__dict__:
                    setattr(cls, name, _wrap(kind, name, cls.__dict__[name], registry))

        namespace["__init_subclass__"] = classmethod(__init_subclass__)
        if kind == "BufferedProtocol":
            namespace["get_buffer"] = _wrap(
                kind, "get_buffer", lambda self, sizehint: bytearray(65536), registry
            )
        namespace["wait_for"] = _wait_for
        return type(kind, (base,), namespace)

    def record(self, proto: Any, kind: str, name: str, args: tuple) -> None:
        state = proto.__dict__
        watch = state.get("_cf_watch")
        if watch is None:
            label = f"{type(proto).__name__} #{len(self.watches) + 1}"
            watch = Watch(kind, label, self.machines, self.violations)
            state["_cf_watch"] = watch
            state.setdefault("events", [])
            state.setdefault("calls", [])
            state.setdefault("received", b"")
            state.setdefault("datagrams", [])
            state.setdefault("pipe_data", {})
            state.setdefault("transport", None)
            state.setdefault("lost_exc", None)
            state["_cf_multiplier"] = self.multiplier
            state["_cf_registry"] = self
            self.watches.append(watch)
        state["events"].append(name)
        state["calls"].append((name, args))
        if name == "connection_made":
            state["transport"] = args[0]
        elif name == "connection_lost":
            state["lost_exc"] = args[0]
        elif name == "data_received":
            state["received"] += bytes(args[0]) if isinstance(args[0], (bytes, bytearray)) else b""
        elif name == "buffer_updated":
            buffer = state.get("_cf_last_buffer")
            if buffer is not None:
                state["received"] += bytes(memoryview(buffer)[: args[0]])
        elif name == "datagram_received":
            state["datagrams"].append((args[0], args[1]))
        elif name == "pipe_data_received":
            state["pipe_data"][args[0]] = state["pipe_data"].get(args[0], b"") + args[1]
        watch.event(name, args)

    def finish(self) -> list[str]:
        for watch in self.watches:
            watch.finish()
        return self.violations

    def wait_seconds(self, nominal: float) -> float:
        """How long a wait of ``nominal`` seconds (before the multiplier) may last.

        A case the loop's expectations say fails there (conformance/runner.py)
        has a patience: each of its waits gives up after that long at most. Giving
        up sooner can only turn a pass into a failure, never the reverse, and the
        verdict is already known to be a failure; the loop that is fixed meanwhile
        still passes, unless it is slower than the patience (then --full-timeouts).
        """
        seconds = nominal * self.multiplier
        return seconds if self.patience is None else min(seconds, self.patience)

    def decided(self) -> str | None:
        """Why the case has already failed, so that no wait can change its verdict."""
        if self.violations:
            return f"the case has already failed: {self.violations[0]}"
        if self.failures:
            return f"the case has already failed: {self.failures[0]}"
        return None

    def failed(self, failure: BaseException) -> None:
        """A check of the case failed (a CaseFailure was made): see values.listen_for_failures."""
        self.failures.append(
            str(failure).splitlines()[0][:200] if str(failure) else "a check failed"
        )

    def all_lost_since(self) -> float | None:
        """When the last protocol of the case got connection_lost, if every one has."""
        watches = [*self.watches, *self.stream_watches]
        if not watches or any(w.lost_at is None for w in watches):
            return None
        return max(w.lost_at for w in watches)  # type: ignore[type-var]

    def watch_streams(self) -> None:
        """Count the connections of asyncio's streams (StreamReaderProtocol) as well.

        Stream cases use asyncio's own protocol, not a watched one, so without
        this a loop that never closes a stream's socket would keep the peer
        waiting for its EOF for the peer's whole timeout. Only when each was
        lost is recorded; call unwatch_streams() when the case ends.
        """
        registry = self

        def connection_made(proto: Any, transport: Any) -> Any:
            watch = _StreamWatch()
            proto.__dict__["_cf_stream_watch"] = watch
            registry.stream_watches.append(watch)
            return _STREAM_MADE(proto, transport)

        def connection_lost(proto: Any, exc: Any) -> Any:
            watch = proto.__dict__.get("_cf_stream_watch")
            if watch is not None and watch.lost_at is None:
                watch.lost_at = time.monotonic()
            return _STREAM_LOST(proto, exc)

        _STREAM_PROTOCOL.connection_made = connection_made  # type: ignore[method-assign]
        _STREAM_PROTOCOL.connection_lost = connection_lost  # type: ignore[method-assign]

    @staticmethod
    def unwatch_streams() -> None:
        _STREAM_PROTOCOL.connection_made = _STREAM_MADE  # type: ignore[method-assign]
        _STREAM_PROTOCOL.connection_lost = _STREAM_LOST  # type: ignore[method-assign]


class _StreamWatch:
    """One connection of asyncio's StreamReaderProtocol: only when it was lost."""

    def __init__(self) -> None:
        self.lost_at: float | None = None


#: asyncio's own stream protocol and its methods as imported, restored after
#: every case (never a wrapper of an earlier case's wrapper).
_STREAM_PROTOCOL = asyncio.StreamReaderProtocol
_STREAM_MADE = _STREAM_PROTOCOL.connection_made
_STREAM_LOST = _STREAM_PROTOCOL.connection_lost


def _fail_if_futile(proto: Any, event: str) -> None:
    """End a wait at once when its outcome is known: the case already failed, or the
    protocol's machines say ``event`` can no longer come."""
    registry = proto.__dict__.get("_cf_registry")
    reason = registry.decided() if registry is not None else None
    if reason:
        raise WaitGaveUp(f"{type(proto).__name__}: stopped waiting for {event}: {reason}")
    watch = proto.__dict__.get("_cf_watch")
    for track in watch.tracks if watch is not None else ():
        if not track.can_still(event):
            events = proto.__dict__.get("events", [])
            raise WaitGaveUp(
                f"{type(proto).__name__}: {event} can no longer happen (state machine "
                f"{track.name} is in state {track.state!r}; events so far: {events})"
            )


async def _wait_for(self: Any, event: str, timeout: float = 5.0) -> None:
    """``await proto.wait_for("connection_lost")``: poll until the callback has happened.

    Polling (rather than a future the callback resolves) keeps the wait
    independent of the loop's future machinery, which is under test.
    """
    registry = self.__dict__.get("_cf_registry")
    if registry is not None:
        seconds = registry.wait_seconds(timeout)
    else:
        seconds = timeout * getattr(self, "_cf_multiplier", 1.0)
    deadline = time.monotonic() + seconds
    while event not in self.__dict__.get("events", ()):
        _fail_if_futile(self, event)
        if time.monotonic() > deadline:
            from_events = self.__dict__.get("events", [])
            raise WaitGaveUp(
                f"{type(self).__name__}: {event} did not happen within "
                f"{seconds:.1f}s (events so far: {from_events})"
            )
        await asyncio.sleep(0.002)
