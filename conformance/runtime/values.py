"""Failures and value helpers shared by the runtime: no asyncio objects, no imports of ours.

Every other runtime module imports from here, never the other way round.
"""

from __future__ import annotations

import asyncio
import builtins
import concurrent.futures
import socket
import ssl
import struct
import subprocess
from typing import Any, Callable, Optional

EXCEPTION_NAMESPACES = {
    "asyncio": asyncio,
    "concurrent.futures": concurrent.futures,
    "socket": socket,
    "ssl": ssl,
    "subprocess": subprocess,
}


class CaseFailure(AssertionError):
    """The loop did not do what the clause says. Carries expected and actual.

    ``cause``, when given, names the loop's failing in words shared by every
    case it can show in, so that findings group those cases across clauses
    (otherwise a failed check groups by its clause).
    """

    def __init__(self, message: str, expected: str = "", actual: str = "", cause: str = "") -> None:
        super().__init__(message)
        self.expected = expected
        self.actual = actual
        self.cause = cause
        if _failure_listener is not None:
            _failure_listener(self)


#: Told of every CaseFailure made while a case runs (the harness sets it), so
#: that a wait in the case's clean-up, a peer's ``done()`` in a ``finally:``,
#: say, ends at once instead of waiting out its timeout: the verdict is already
#: decided, and nothing that peer does can change it.
_failure_listener: Optional[Callable[[CaseFailure], None]] = None


def listen_for_failures(listener: Optional[Callable[[CaseFailure], None]]) -> None:
    """Point the failure listener at the running case (``None`` when it ends)."""
    global _failure_listener
    _failure_listener = listener


class WaitGaveUp(CaseFailure):
    """A wait (for a peer, a callback, a condition) that ended without what it waited for.

    Often the consequence of an earlier failure: clean-up code waits for a
    peer that the failed call never connected. When one is raised while
    another exception was being handled, the earlier one is the verdict.
    """


class SetupError(Exception):
    """The case could not be set up (outcome ``error``), as opposed to a loop failure."""


class NotObservable(Exception):
    """What the case checks cannot be seen on this loop, by the loop's own lawful design.

    Raised by case code when the loop took a path the docs allow but the case
    has no way to watch: its create_connection() resolves names without
    calling loop.getaddrinfo(), so the case cannot hand it addresses; its
    resolver is not socket.getaddrinfo(), so the case cannot slow it down; it
    runs only in the thread that made it. The outcome is ``skip`` with the
    reason, out of the loop's score: neither a pass (nothing was checked) nor
    an error (nothing went wrong, on either side). A host that lacks something
    is a SetupError instead: there, the user can fix the host.
    """


def counting_bytes(size: int) -> bytes:
    """``size`` bytes of consecutive 4-byte big-endian counters: 0, 1, 2, ...

    Cases that check data arrives whole and in order send this rather than a
    short pattern repeated. No stretch of it repeats, so bytes taken from the
    wrong offset (the head of a buffer sent again instead of its tail after a
    partial send, two chunks swapped) never look right by chance, whatever
    the sizes involved: with ``bytes(range(256)) * n`` any error by a multiple
    of 256, which every page-sized partial send is, went unseen.
    """
    words = -(-size // 4)
    return struct.pack(f">{words}I", *range(words))[:size]


def resolve_type(name: str) -> type:
    """Turn ``RuntimeError`` or ``asyncio.CancelledError`` into the class."""
    module, _, attr = name.rpartition(".")
    if not module:
        value = getattr(builtins, attr, None)
    else:
        namespace = EXCEPTION_NAMESPACES.get(module)
        value = getattr(namespace, attr, None) if namespace else None
    if not isinstance(value, type):
        raise LookupError(f"unknown type name {name!r}")
    return value


def raised_as(error: BaseException, expected: type) -> bool:
    """Whether ``error`` is the exception a case expects.

    NotImplementedError subclasses RuntimeError, but it means the method is
    missing: it never stands in for the RuntimeError a case expects (a closed
    loop's, say) unless the case asks for NotImplementedError itself.
    """
    if isinstance(error, NotImplementedError) and not issubclass(expected, NotImplementedError):
        return False
    return isinstance(error, expected)


def plain(value: Any) -> Any:
    """Tuples become lists, recursively, so values compare with YAML data."""
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def same(actual: Any, expected: Any) -> bool:
    """Equality that does not let ``True`` stand for ``1``."""
    actual = plain(actual)
    if isinstance(actual, bool) != isinstance(expected, bool):
        return False
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(same(a, e) for a, e in zip(actual, expected))
        )
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and actual.keys() == expected.keys()
            and all(same(actual[k], expected[k]) for k in expected)
        )
    try:
        return bool(actual == expected)
    except Exception:
        return False


def short_repr(value: Any, limit: int = 300) -> str:
    try:
        text = repr(value)
    except Exception as exc:  # a loop object whose repr is broken
        text = f"<unrepresentable {type(value).__name__}: {exc!r}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."
