"""Where the bundled specs and reference documents live, and where caches go.

In a source checkout (and an editable install) they are the top-level
``specs/`` folder; a wheel carries the same folder as ``conformance/_specs``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

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


def cache_dir(name: str) -> Optional[Path]:
    """The user's cache folder for ``name`` (XDG), or None when caching is off
    (``ASYNCIO_CONFORMANCE_NO_CACHE`` set, as the project's tests do)."""
    if os.environ.get("ASYNCIO_CONFORMANCE_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "asyncio-conformance" / name
