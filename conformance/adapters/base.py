"""The adapter contract.

An adapter tells the harness how to make a loop. Everything in it is a
``module:attribute`` reference rather than a live object, because workers and
standalone reproducers must be able to rebuild it from text alone.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Callable, Optional


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
    """

    name: str
    factory: str
    version: str = "unknown"
    description: str = ""
    setup: Optional[str] = None
    teardown: Optional[str] = None
    expectations: Optional[str] = None
    environment: tuple[tuple[str, str], ...] = ()

    def load_factory(self) -> Callable[[], Any]:
        factory = load_reference(self.factory)
        if not callable(factory):
            raise TypeError(f"{self.factory} is not callable")
        return factory

    def run_setup(self) -> None:
        if self.setup:
            load_reference(self.setup)()

    def run_teardown(self) -> None:
        if self.teardown:
            load_reference(self.teardown)()

    def describe(self) -> dict:
        return {
            "name": self.name,
            "factory": self.factory,
            "version": self.version,
            "description": self.description,
        }
