"""Finding adapters: entry points first, then ``package.module:factory``."""

from __future__ import annotations

import sys
from typing import Optional

from ..errors import Problem, UsageError
from .base import Adapter, load_reference

GROUP = "asyncio_conformance.adapters"

if sys.version_info >= (3, 10):
    from importlib.metadata import entry_points
    from importlib.metadata import version as dist_version
else:  # pragma: no cover - exercised on 3.9 only
    from importlib_metadata import entry_points
    from importlib_metadata import version as dist_version


def _entry_points() -> dict:
    return {ep.name: ep for ep in entry_points(group=GROUP)}


def available_adapters() -> dict[str, Optional[Adapter]]:
    """Every registered adapter by name; None where it cannot load here."""
    found: dict[str, Optional[Adapter]] = {}
    for name, ep in sorted(_entry_points().items()):
        try:
            found[name] = _from_entry_point(name, ep)
        except Exception:
            found[name] = None
    return found


def _from_entry_point(name: str, ep: object) -> Optional[Adapter]:
    make = ep.load()  # type: ignore[attr-defined]
    adapter = make() if callable(make) and not isinstance(make, Adapter) else make
    if adapter is None:
        return None
    if not isinstance(adapter, Adapter):
        raise TypeError(f"entry point {name!r} returned {type(adapter).__name__}, not an Adapter")
    return adapter


def _module_version(module_name: str) -> str:
    top = module_name.split(".")[0]
    try:
        return dist_version(top)
    except Exception:
        module = sys.modules.get(module_name) or sys.modules.get(top)
        return str(getattr(module, "__version__", "unknown"))


def _registered_with_factory(ref: str, points: dict) -> Optional[Adapter]:
    for name, ep in sorted(points.items()):
        try:
            adapter = _from_entry_point(name, ep)
        except Exception:
            continue
        if adapter is not None and adapter.factory == ref and adapter.host is None:
            return adapter
    return None


def _loop_error(origin: str, message: str) -> UsageError:
    """A bad ``--loop`` (or other ``origin``) value: exit 2 with ``message``."""
    return UsageError(Problem(origin, None, None, message))


def resolve_adapter(ref: str, origin: str = "--loop") -> Adapter:
    """An adapter for a registered name or a ``package.module:factory`` reference."""
    points = _entry_points()
    if ref in points:
        try:
            adapter = _from_entry_point(ref, points[ref])
        except Exception as exc:
            raise _loop_error(
                origin, f"loop {ref!r}: its adapter failed to load: {type(exc).__name__}: {exc}"
            ) from None
        if adapter is None:
            raise _loop_error(origin, f"loop {ref!r} is not available on this platform")
        return adapter
    if ":" in ref:
        registered = _registered_with_factory(ref, points)
        if registered is not None:
            # The same loop as a registered adapter: run it as that adapter, so its
            # warm-up, set-up and expectations apply and reports use its name.
            return registered
        try:
            factory = load_reference(ref)
        except Exception as exc:
            raise _loop_error(
                origin, f"cannot import loop factory {ref!r}: {type(exc).__name__}: {exc}"
            ) from None
        if not callable(factory):
            raise _loop_error(origin, f"{ref!r} is not callable")
        module = ref.partition(":")[0]
        return Adapter(
            name=ref, factory=ref, version=_module_version(module), description=f"factory {ref}"
        )
    known = ", ".join(sorted(points)) or "none"
    raise _loop_error(
        origin, f"unknown loop {ref!r}; registered loops: {known}; or give package.module:factory"
    )
