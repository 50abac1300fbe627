"""The adapter contract.

An adapter tells the harness how to make a loop. Everything in it is a
``module:attribute`` reference rather than a live object, because workers and
standalone reproducers must be able to rebuild it from text alone.
"""

from __future__ import annotations

import dataclasses
import importlib
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, metadata, version
from pathlib import Path
from typing import Any, Callable, Optional


def expectations_beside(module_file: str, name: str = "expectations.yaml") -> Optional[str]:
    """An adapter's bundled expectations file: ``name`` beside its module (a
    source checkout or an editable install) or ``<module>.<name>`` (where a
    wheel puts it); None when there is neither."""
    here = Path(module_file).resolve()
    for candidate in (here.with_name(name), here.with_name(f"{here.stem}.{name}")):
        if candidate.is_file():
            return str(candidate)
    return None


def installed_version(distribution: str) -> Optional[str]:
    """The installed version of a PyPI distribution, or None where it is not installed."""
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


def installed_adapter(
    distribution: str,
    module_file: str,
    *,
    expectations_name: str = "expectations.yaml",
    **fields: Any,
) -> Optional[Adapter]:
    """The Adapter of a loop shipped as the PyPI ``distribution``; None where it is
    not installed, which ``list-loops`` shows as unavailable.

    Most adapter entry points are this one call. ``version`` is the installed
    distribution's, ``name`` defaults to the distribution's name,
    ``description`` to its summary (the loop author's own words) and
    ``expectations`` to the file ``expectations_name`` beside ``module_file``
    (see expectations_beside). Every other Adapter field is passed through.
    """
    loop_version = installed_version(distribution)
    if loop_version is None:
        return None
    fields.setdefault("name", distribution)
    fields.setdefault("version", loop_version)
    if "description" not in fields:
        fields["description"] = metadata(distribution).get("Summary") or ""
    fields.setdefault("expectations", expectations_beside(module_file, expectations_name))
    return Adapter(**fields)


def load_reference(ref: str) -> Any:
    """Import ``package.module:attribute`` (the attribute may be dotted)."""
    module_name, sep, attr = ref.partition(":")
    if not sep or not module_name or not attr:
        raise ValueError(f"{ref!r} is not of the form package.module:attribute")
    obj: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


@dataclass(frozen=True)
class Adapter:
    """What the harness needs to know about one loop implementation.

    ``factory`` takes no arguments and returns a new, not yet running loop.
    ``setup`` and ``teardown`` run once per worker process, before the first
    and after the last loop; a Qt loop creates and destroys its application
    object there. ``expectations`` is a bundled expectations file applied to
    every run of this adapter unless the user passes
    ``--no-default-expectations``.

    ``host`` is for loops whose intended use is not "a factory returns a loop
    that the caller runs", such as trio-asyncio inside ``trio.run()``. It names
    a function ``host(body)``: it must make a loop in its own way, run the
    coroutine ``body(loop)`` to completion on it, close the loop and return.
    Each case then runs inside the host. Sync-mode cases, which drive the loop
    themselves with ``run_until_complete()`` or ``run_forever()``, are skipped
    for a hosted adapter. ``factory`` still names a loop class or factory, for
    ``repro`` and for cases that start the loop in a child process.

    ``stdlib_based`` marks a loop built on the stdlib's own (a subclass, or a
    patch of it): the stdlib's bundled expectations then apply to it too, so
    deviations it inherits from CPython are recorded once, with their reasons.
    """

    name: str
    factory: str
    version: str = "unknown"
    description: str = ""
    setup: Optional[str] = None
    teardown: Optional[str] = None
    expectations: Optional[str] = None
    environment: tuple[tuple[str, str], ...] = ()
    host: Optional[str] = None
    stdlib_based: bool = False

    def load_factory(self) -> Callable[[], Any]:
        factory = load_reference(self.factory)
        if not callable(factory):
            raise TypeError(f"{self.factory} is not callable")
        return factory

    def load_host(self) -> Optional[Callable[[Callable[[Any], Any]], Any]]:
        return load_reference(self.host) if self.host else None

    def run_setup(self) -> None:
        if self.setup:
            load_reference(self.setup)()

    def run_teardown(self) -> None:
        if self.teardown:
            load_reference(self.teardown)()

    def to_json(self) -> dict:
        """Every field, for handing the adapter to a worker without resolving it again."""
        data = dataclasses.asdict(self)
        data["environment"] = [list(pair) for pair in self.environment]
        return data

    @classmethod
    def from_json(cls, data: dict) -> Adapter:
        values = dict(data)
        values["environment"] = tuple(tuple(pair) for pair in data.get("environment") or ())
        return cls(**values)

    def describe(self) -> dict:
        """The fields a results file records about the loop."""
        return {key: getattr(self, key) for key in ("name", "factory", "version", "description")}
