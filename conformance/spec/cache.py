"""A cache of validated, expanded spec files, like ``__pycache__`` for specs.

Validating every file with jsonschema, checking every quote and compiling
every case costs about a millisecond per case; a run must collect in well
under a second. Only files that passed every check are cached, keyed by their
bytes and by everything that could change the verdict (the tool's source, the
schema, the docs and the inventory), so a cached entry can never hide a
problem. The cache lives outside the source tree; set
``ASYNCIO_CONFORMANCE_NO_CACHE=1`` to bypass it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Optional

from .. import __version__
from ..paths import cache_dir, reference_dir
from .inventory import DOCS_TEXTS
from .model import Case, Markers

#: Besides every file of conformance/spec/: the modules validation imports from elsewhere.
#: (The case scope decides which names the linter accepts.)
_OTHER_SOURCES = (
    "errors.py",
    "paths.py",
    "runtime/compile.py",
    "runtime/values.py",
    "runtime/context.py",
    "runtime/protocols.py",
)


@functools.cache
def _fingerprint() -> bytes:
    digest = hashlib.sha256(__version__.encode())
    here = Path(__file__).parent
    sources = sorted(p for p in here.iterdir() if p.suffix in (".py", ".json"))
    sources += [here.parent / name for name in _OTHER_SOURCES]
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for name in (*DOCS_TEXTS.values(), "api-inventory.yaml"):
        digest.update((reference_dir() / name).read_bytes())
    return digest.digest()


def key_for(raw: bytes) -> str:
    return hashlib.sha256(_fingerprint() + raw).hexdigest()


def get(key: str) -> Optional[dict]:
    folder = cache_dir("specs")
    if folder is None:
        return None
    try:
        return json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def put(key: str, cases: list[Case], machines: dict) -> None:
    folder = cache_dir("specs")
    if folder is None:
        return
    data = {"cases": [asdict(c) for c in cases], "machines": machines}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f)
        os.replace(tmp, folder / f"{key}.json")
    except OSError:
        pass  # a read-only home is fine: we just validate every time


def rebuild(entry: dict, display_name: str, start: int) -> list[Case]:
    cases = []
    for i, raw in enumerate(entry["cases"]):
        markers = raw.pop("markers")
        raw.update(
            file=display_name,
            order=start + i,
            quote=tuple(raw["quote"]),
            markers=Markers(
                python=tuple(markers["python"]),
                platforms=tuple(tuple(p) for p in markers["platforms"]),
                requires=tuple(markers["requires"]),
            ),
        )
        cases.append(Case(**raw))
    return cases
