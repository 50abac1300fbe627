"""The API inventory and the documentation text that specs must quote."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from ..paths import reference_dir
from .yamlload import load_yaml


@dataclass(frozen=True)
class Inventory:
    """Every documented API id, by section, in document order."""

    sections: dict[str, tuple[str, ...]]

    @property
    def section_of(self) -> dict[str, str]:
        return {api: section for section, apis in self.sections.items() for api in apis}


@functools.cache
def load_inventory(path: Path | None = None) -> Inventory:
    path = path or reference_dir() / "api-inventory.yaml"
    doc = load_yaml(path)
    sections = {
        name: tuple(entry["id"] for entry in entries)
        for name, entries in doc.data["sections"].items()
    }
    return Inventory(sections)


_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Quotes may wrap differently from the docs; only the words must match."""
    return _SPACE.sub(" ", text).strip()


#: The texts a quote may cite (a spec file's or a clause's ``docs``), by the
#: Python version whose documentation they are. "3.7" is the default.
DOCS_TEXTS = {"3.7": "asyncio-docs.txt", "3.11": "asyncio-docs-3.11.txt"}
DEFAULT_DOCS = "3.7"


@functools.cache
def docs_text(path: Path | None = None, version: str = DEFAULT_DOCS) -> str:
    path = path or reference_dir() / DOCS_TEXTS[version]
    return normalize(path.read_text(encoding="utf-8"))


@functools.cache
def docs_text_lines(path: Path | None = None) -> list[str]:
    """The docs as they are in the file, one string per line (for line ranges)."""
    path = path or reference_dir() / "asyncio-docs.txt"
    return path.read_text(encoding="utf-8").splitlines()
