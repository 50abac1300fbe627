"""Adapters: how the harness gets a fresh loop of each kind it tests."""

from .base import Adapter
from .registry import available_adapters, resolve_adapter

__all__ = ["Adapter", "available_adapters", "resolve_adapter"]
