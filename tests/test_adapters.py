"""Adapter discovery: entry points first, then package.module:factory."""

from __future__ import annotations

import asyncio

import pytest

from conformance.adapters import available_adapters, resolve_adapter
from conformance.errors import UsageError


def test_builtin_adapters_are_registered() -> None:
    found = available_adapters()
    assert found["asyncio"] is not None
    assert found["asyncio"].factory == "asyncio:new_event_loop"


@pytest.mark.parametrize("name", ["asyncio", "asyncio-select", "asyncio-poll", "asyncio-epoll"])
def test_builtin_factories_make_fresh_loops(name: str) -> None:
    adapter = resolve_adapter(name)
    factory = adapter.load_factory()
    first, second = factory(), factory()
    try:
        assert isinstance(first, asyncio.AbstractEventLoop) and first is not second
    finally:
        first.close()
        second.close()


def test_module_factory_reference() -> None:
    adapter = resolve_adapter("tests.loops:lifo_loop")
    assert adapter.name == adapter.factory == "tests.loops:lifo_loop"
    loop = adapter.load_factory()()
    loop.close()


def test_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(UsageError, match="registered loops: .*asyncio"):
        resolve_adapter("nope")


def test_not_callable_reference() -> None:
    with pytest.raises(UsageError, match="not callable"):
        resolve_adapter("asyncio:__name__")


def test_installed_adapter_fills_in_the_distribution(tmp_path) -> None:
    from importlib.metadata import version

    from conformance.adapters import installed_adapter

    module = tmp_path / "myloop_conformance.py"
    (tmp_path / "expectations.yaml").write_text("expectations: []\n")
    adapter = installed_adapter("PyYAML", str(module), factory="asyncio:new_event_loop")
    assert adapter is not None
    assert (adapter.name, adapter.version) == ("PyYAML", version("PyYAML"))
    assert adapter.description  # the distribution's summary
    assert adapter.expectations == str(tmp_path / "expectations.yaml")
    named = installed_adapter(
        "PyYAML", str(module), name="other", description="mine", factory="asyncio:new_event_loop"
    )
    assert named is not None and (named.name, named.description) == ("other", "mine")


def test_installed_adapter_is_none_without_the_distribution(tmp_path) -> None:
    from conformance.adapters import installed_adapter

    missing = installed_adapter(
        "no-such-distribution-here", str(tmp_path / "m.py"), factory="asyncio:new_event_loop"
    )
    assert missing is None
