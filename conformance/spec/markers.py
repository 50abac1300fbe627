"""Evaluating version and platform markers against the running host."""

from __future__ import annotations

import functools
import os
import socket
import sys
from typing import Optional

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from .model import Markers

PLATFORM_CHECKS = {
    "linux": lambda: sys.platform.startswith("linux"),
    "macos": lambda: sys.platform == "darwin",
    "unix": lambda: os.name == "posix",
    "windows": lambda: sys.platform == "win32",
}


def parse_python_spec(spec: str) -> Optional[str]:
    """Return an error message when ``spec`` is not a valid PEP 440 specifier set."""
    try:
        SpecifierSet(spec)
    except InvalidSpecifier as exc:
        return f"invalid python specifier {spec!r}: {exc}"
    return None


def _python_version() -> Version:
    v = sys.version_info
    return Version(f"{v.major}.{v.minor}.{v.micro}")


@functools.cache
def _has_ipv6() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
    except OSError:
        return False
    return True


def _has_ssl() -> bool:
    try:
        import ssl  # noqa: F401
    except ImportError:
        return False
    return True


FEATURE_CHECKS = {
    "ipv6": _has_ipv6,
    "af_unix": lambda: hasattr(socket, "AF_UNIX"),
    "ssl": _has_ssl,
    "sendfile": lambda: hasattr(os, "sendfile"),
    "pidfd": lambda: hasattr(os, "pidfd_open"),
    "main_thread": lambda: True,  # cases always run in a worker's main thread
}


#: What a row whose ``kind`` parameter names a transport kind (the kinds of
#: ``open_kind``/``open_writer``, conformance/runtime/kinds.py) needs from the
#: host. So a table over kinds skips only its IPv6 row on a host without IPv6,
#: and a clause's own ``requires`` lists what every row needs.
KIND_REQUIRES: dict[str, tuple[str, ...]] = {
    "tcp": (),
    "tcp4": (),
    "tcp6": ("ipv6",),
    "tls": ("ssl",),
    "unix": ("af_unix",),
    "tls-client": ("ssl",),
    "tls-server": ("ssl",),
    "write-pipe": (),
    "read-pipe": (),
}


def kind_requires(kind: object) -> tuple[str, ...]:
    return KIND_REQUIRES.get(kind, ()) if isinstance(kind, str) else ()


def skip_reason(markers: Markers) -> Optional[str]:
    """Why this host cannot run a case with ``markers``, or None when it can."""
    version = _python_version()
    for spec in markers.python:
        if version not in SpecifierSet(spec):
            return f"needs Python {spec}; this is {version}"
    for alternatives in markers.platforms:
        if not any(PLATFORM_CHECKS[p]() for p in alternatives):
            return f"needs platform {' or '.join(alternatives)}; this is {sys.platform}"
    for feature in markers.requires:
        if not FEATURE_CHECKS[feature]():
            return f"needs {feature}, which this host lacks"
    return None
