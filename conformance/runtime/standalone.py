"""The entry point of reproducers: run one case on one loop, print what happened.

``asyncio-conformance repro`` writes a short script that calls
:func:`reproduce` with the case as data. The script enforces the case's
timeout itself (faulthandler's watchdog prints every thread's stack and exits
with status 1 when it expires, even if the loop holds the GIL), and its exit
status says whether the case passed.
"""

from __future__ import annotations

import faulthandler
import importlib
import os
import sys
from typing import Any, Optional

#: Exit statuses of a reproducer.
PASSED, FAILED = 0, 1


def load_reference(ref: str) -> Any:
    """``package.module:attribute`` (the attribute may be dotted) -> the object."""
    module_name, _, attr = ref.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def reproduce(
    case: dict,
    *,
    factory: str,
    timeout: float,
    setup: Optional[str] = None,
    teardown: Optional[str] = None,
    host: Optional[str] = None,
    environment: Optional[dict] = None,
    multiplier: float = 1.0,
    debug: bool = False,
    machines: Optional[dict] = None,
    tls_pems: Optional[dict] = None,
) -> int:
    """Run ``case`` on the loop ``factory`` makes; print the verdict; return the exit status."""
    for name, value in (environment or {}).items():
        os.environ.setdefault(name, value)
    faulthandler.enable()
    faulthandler.dump_traceback_later(timeout, exit=True)
    from .harness import HarnessSettings, run_case
    from .peers import make_tls_pems

    if machines is None:
        from ..spec.load import bundled_machines

        machines = bundled_machines()
    if setup:
        load_reference(setup)()
    settings = HarnessSettings(
        multiplier=multiplier,
        debug=debug,
        tls_pems=tls_pems or make_tls_pems(),
        loop_refs={"factory": factory, "setup": setup},
        machines=machines,
        host=load_reference(host) if host else None,
    )
    run = run_case(case, load_reference(factory), settings)
    faulthandler.cancel_dump_traceback_later()
    if teardown:
        load_reference(teardown)()
    raw = run.raw
    print(f"{case['id']}: {raw.outcome}")
    if raw.message:
        print(raw.message)
    if raw.details:
        for key in ("expected", "actual", "traceback"):
            text = getattr(raw.details, key)
            if text:
                print(f"--- {key}:\n{text}")
    for kind, note in raw.hygiene.items():
        print(f"--- left behind ({kind}, reported apart from the verdict): {note}")
    if run.leaks.fds:
        print(f"--- left behind (fds): {run.leaks.describe_fds()}")
    for note in raw.harness:
        print(f"--- harness: {note}")
    sys.stdout.flush()
    return PASSED if raw.outcome == "pass" else FAILED
