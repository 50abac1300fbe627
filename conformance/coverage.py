"""How much of the API inventory the specs cover."""

from __future__ import annotations

from dataclasses import dataclass

from .spec.inventory import load_inventory
from .spec.model import Suite


@dataclass
class Coverage:
    total: int
    covered: int
    missing: list[str]


def coverage(suite: Suite) -> Coverage:
    inventory = load_inventory()
    all_ids = [api for apis in inventory.sections.values() for api in apis]
    specified = {c.api for c in suite.cases}
    missing = [api for api in all_ids if api not in specified]
    return Coverage(total=len(all_ids), covered=len(all_ids) - len(missing), missing=missing)
