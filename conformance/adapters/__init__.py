"""Adapters: how the harness gets a fresh loop of each kind it tests."""

from .base import Adapter, expectations_beside, installed_adapter, installed_version
from .registry import available_adapters, resolve_adapter

__all__ = [
    "Adapter",
    "available_adapters",
    "expectations_beside",
    "installed_adapter",
    "installed_version",
    "resolve_adapter",
]
