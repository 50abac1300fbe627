"""The stdlib baseline: does CPython's own loop fail this case too?

A loop built on the stdlib inherits the stdlib's deviations, and a loop author
reading a failure wants to know at once whether CPython does the same. So
every failing case of a third-party loop is also run on the stdlib loop (the
``asyncio`` adapter, no expectations applied), and its raw outcome is recorded
on the case as ``stdlib``.

Outcomes are cached per Python and per version of the harness and of the case
itself (its wire form is hashed), so that a second run costs nothing and an
edited case is never answered from a stale entry. The cache lives beside the
spec cache; ``ASYNCIO_CONFORMANCE_NO_CACHE=1`` turns both off.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import tempfile
from pathlib import Path
from typing import Callable, Optional

from . import __version__
from .paths import cache_dir
from .spec.model import Case

#: Adapter names whose loop *is* the stdlib's: no baseline needed.
STDLIB_LOOPS = ("asyncio", "asyncio-select", "asyncio-poll", "asyncio-epoll")


@functools.cache
def _harness_fingerprint() -> str:
    """Everything that decides a raw outcome besides the case: Python and the runtime code."""
    digest = hashlib.sha256(
        f"{__version__}|{platform.python_implementation()}|{platform.python_version()}".encode()
    )
    runtime = Path(__file__).with_name("runtime")
    for path in sorted(runtime.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def case_key(wire: dict, debug: bool) -> str:
    text = json.dumps(wire, sort_keys=True, default=str) + ("|debug" if debug else "")
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _cache_file(debug: bool) -> Optional[Path]:
    folder = cache_dir("stdlib-baseline")
    return None if folder is None else folder / f"{_harness_fingerprint()}.json"


def _load(path: Optional[Path]) -> dict[str, str]:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _store(path: Optional[Path], outcomes: dict[str, str]) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(outcomes, handle)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home only costs a re-run next time


def stdlib_outcomes(
    cases: list[Case],
    wire: Callable[[Case], dict],
    run_on_stdlib: Callable[[list[Case]], dict[str, str]],
    debug: bool = False,
) -> tuple[dict[str, str], int]:
    """The stdlib's raw outcome for each case, and how many had to be run now.

    ``run_on_stdlib`` runs the given cases on the stdlib loop and returns
    ``{case id: raw outcome}``; it is only called for cases the cache lacks.
    """
    path = _cache_file(debug)
    cache = _load(path)
    keys = {case.id: case_key(wire(case), debug) for case in cases}
    known = {cid: cache[key] for cid, key in keys.items() if key in cache}
    missing = [case for case in cases if case.id not in known]
    if missing:
        fresh = run_on_stdlib(missing)
        for case in missing:
            if case.id in fresh:
                cache[keys[case.id]] = fresh[case.id]
                known[case.id] = fresh[case.id]
        _store(path, cache)
    return known, len(missing)
