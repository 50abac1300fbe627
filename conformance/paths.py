"""Where the bundled specs and reference documents live.

In a source checkout (and an editable install) they are the top-level
``specs/`` folder; a wheel carries the same folder as ``conformance/_specs``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def specs_dir() -> Path:
    """The bundled specs folder."""
    for candidate in (_PACKAGE / "_specs", _PACKAGE.parent / "specs"):
        if (candidate / "reference" / "asyncio-docs.txt").is_file():
            return candidate
    raise FileNotFoundError("the bundled specs/ folder is missing from this installation")


def reference_dir() -> Path:
    """The copy of the asyncio documentation and API inventory that specs quote."""
    return specs_dir() / "reference"
