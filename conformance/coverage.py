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

    def missing_by_section(self) -> dict[str, list[str]]:
        section_of = load_inventory().section_of
        grouped: dict[str, list[str]] = {}
        for api in self.missing:
            grouped.setdefault(section_of[api], []).append(api)
        return grouped


def coverage(suite: Suite) -> Coverage:
    inventory = load_inventory()
    all_ids = [api for apis in inventory.sections.values() for api in apis]
    specified = {c.api for c in suite.cases}
    missing = [api for api in all_ids if api not in specified]
    return Coverage(total=len(all_ids), covered=len(all_ids) - len(missing), missing=missing)
