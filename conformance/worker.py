"""A worker process: runs cases for one loop, one at a time, in its main thread.

The parent writes one JSON message per line to our stdin (an ``init``
message first, then one ``case`` message per case) and reads our JSON
messages from ``--result-fd``. Messages never go to stdout or stderr, because
the loop under test may write anything there. When stdin closes, the worker
settles its pending thread checks, runs the adapter's tear-down hook and exits.
Every message has a ``type``; docs/architecture (CONTRIBUTING.md) lists them.

The worker never enforces its own timeouts: a loop stuck in native code would
stop any in-process timer too. The parent kills us instead. We do ask
faulthandler to print every thread's stack shortly before the parent's
deadline, so that a timeout's details show where the case hung.

Two hygiene duties live here rather than in the harness, because they span
cases:

- **Confirmation.** When a case leaves fds, threads or children behind and
  this worker has not yet seen that kind of leak repeat, the case runs once
  more. A resource the loop opens once per process (on first use of a
  feature) does not appear again and is dropped from the note; a real leak
  does, and the kinds that repeated are remembered so that later cases with
  the same leak need no second run.
- **Thread grace.** A thread still alive right after its case is only a
  candidate; it is reported when it is still alive ``THREAD_GRACE`` seconds
  (scaled) later, in a ``late-hygiene`` message.
"""

from __future__ import annotations

import argparse
import asyncio
import faulthandler
import gc
import json
import os
import signal
import sys
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

#: Seconds a thread may outlive its case before it counts as left running.
THREAD_GRACE = 15.0
#: faulthandler dumps the stacks this long before the parent's deadline.
DUMP_MARGIN = 0.5


def _send(stream: Any, message: dict) -> None:
    stream.write(json.dumps(message) + "\n")
    stream.flush()


@dataclass
class _PendingThreads:
    case_id: str
    attempt: int
    threads: list
    deadline: float


@dataclass
class _Worker:
    results: Any
    factory: Callable[[], Any]
    settings: Any  # HarnessSettings
    thread_grace: float = THREAD_GRACE
    #: Leak kinds (Leaks.signature items) this worker has seen repeat.
    repeating: set = field(default_factory=set)
    pending: list = field(default_factory=list)

    def run_task(self, message: dict) -> None:
        from .runtime.harness import run_case

        case = message["case"]
        timeout = float(message.get("timeout") or 10.0)
        faulthandler.dump_traceback_later(max(timeout - DUMP_MARGIN, 0.1), exit=False)
        try:
            first = run_case(case, self.factory, self.settings)
        finally:
            faulthandler.cancel_dump_traceback_later()
        raw, leaks = first.raw, first.leaks
        # Only a passing case's leftovers count against the loop (conformance/hygiene.py),
        # so only those are worth a second run.
        needs_confirmation = (
            raw.outcome == "pass"
            and raw.finished
            and bool(leaks)
            and not leaks.signature() <= self.repeating
        )
        if not needs_confirmation:
            raw.hygiene.update(_notes(leaks))
        _send(
            self.results,
            {
                "type": "result",
                "id": case["id"],
                "attempt": message["attempt"],
                "raw": raw.to_json(),
                "confirming": needs_confirmation,
            },
        )
        if needs_confirmation:
            leaks = self._confirm(case, timeout, leaks)
            _send(
                self.results,
                {
                    "type": "confirmed",
                    "id": case["id"],
                    "attempt": message["attempt"],
                    "hygiene": _notes(leaks),
                },
            )
        self._note_threads(case["id"], message["attempt"], leaks.threads)
        self.check_pending()

    def _confirm(self, case: dict, timeout: float, leaks: Any) -> Any:
        """Run the case again; keep only the kinds of leak that the second run repeats."""
        from .runtime.harness import run_case
        from .runtime.isolation import Leaks, fd_kind, thread_family

        faulthandler.dump_traceback_later(max(timeout - DUMP_MARGIN, 0.1), exit=False)
        try:
            again = run_case(case, self.factory, self.settings).leaks
        finally:
            faulthandler.cancel_dump_traceback_later()
        repeated = again.signature()
        self.repeating |= repeated
        kept = Leaks(
            fds={fd: t for fd, t in leaks.fds.items() if f"fd:{fd_kind(t)}" in repeated},
            threads=[t for t in leaks.threads if f"thread:{thread_family(t.name)}" in repeated],
            children=leaks.children if "children" in repeated else set(),
        )
        return kept

    def _note_threads(self, case_id: str, attempt: int, threads: list) -> None:
        if threads:
            self.pending.append(
                _PendingThreads(case_id, attempt, threads, time.monotonic() + self.thread_grace)
            )

    def check_pending(self, wait: bool = False) -> None:
        """Report threads past their grace; with ``wait``, wait until every check is decided."""
        from .runtime.isolation import describe_threads

        while self.pending:
            now = time.monotonic()
            still: list[_PendingThreads] = []
            for item in self.pending:
                alive = [t for t in item.threads if t.is_alive()]
                if not alive:
                    continue
                if now >= item.deadline:
                    _send(
                        self.results,
                        {
                            "type": "late-hygiene",
                            "id": item.case_id,
                            "attempt": item.attempt,
                            "kind": "threads",
                            "note": describe_threads(alive),
                        },
                    )
                    continue
                item.threads = alive
                still.append(item)
            self.pending = still
            if not wait or not still:
                return
            time.sleep(0.05)


def _notes(leaks: Any) -> dict[str, str]:
    """Hygiene notes for fds and children; threads wait for their grace (check_pending)."""
    notes = {}
    if leaks.fds:
        notes["fds"] = leaks.describe_fds()
    if leaks.children:
        notes["children"] = leaks.describe_children()
    return notes


def _probe(results: Any, adapter: Any, skip: list[str]) -> int:
    """Check the factory once, then try each warm-up step, reporting as we go."""
    from .warmup import STEPS, missing_methods, run_step

    host = adapter.load_host()
    factory = adapter.load_factory()
    try:
        loop = _probe_loop(factory, host)
    except BaseException as exc:
        _send(results, {"type": "fatal", "stage": "factory", **_error(exc)})
        return 3
    missing = missing_methods(loop)
    if missing:
        got = f"{type(loop).__module__}.{type(loop).__qualname__}"
        _send(results, {"type": "not-a-loop", "got": got, "missing": missing})
        return 3
    _send(
        results,
        {
            "type": "loop",
            "class": f"{type(loop).__module__}.{type(loop).__qualname__}",
            "stdlib_based": isinstance(loop, asyncio.BaseEventLoop),
        },
    )
    if host is None:
        try:
            loop.close()
        except Exception:
            pass
    del loop
    for name in STEPS:
        if name in skip:
            continue
        _send(results, {"type": "step", "name": name, "state": "started"})
        try:
            run_step(name, factory, host)
        except BaseException as exc:
            _send(results, {"type": "step", "name": name, "state": "failed", **_error(exc)})
        else:
            _send(results, {"type": "step", "name": name, "state": "ok"})
    _send(results, {"type": "probe-done"})
    return 0


def _probe_loop(factory: Callable[[], Any], host: Optional[Callable[..., Any]]) -> Any:
    """A loop to look at: the factory's, or the one a host hands its body."""
    if host is None:
        return factory()
    seen: list = []

    async def look(loop: Any) -> None:
        seen.append(loop)

    host(look)
    if not seen:
        raise RuntimeError("the adapter's host returned without running its body")
    return seen[0]


def _die_with_parent() -> None:
    """Make sure no worker outlives the CLI, even when the CLI is SIGKILLed.

    On Linux the kernel sends us SIGKILL when the parent dies
    (PR_SET_PDEATHSIG); elsewhere a daemon thread watches the parent's pid.
    A worker stuck in a hanging case never reads its stdin again, so the
    closed pipe alone would not do.
    """
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before the call took effect
            os._exit(1)
        return
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="conformance-parent-watch", daemon=True).start()


def _error(exc: BaseException) -> dict:
    return {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="conformance.worker")
    parser.add_argument("--adapter", required=True, help="the Adapter's fields, as JSON")
    parser.add_argument("--result-fd", type=int, required=True)
    parser.add_argument("--probe", action="store_true", help="check the factory, then stop")
    parser.add_argument("--skip-step", action="append", default=[], metavar="NAME")
    args = parser.parse_args(argv)
    _die_with_parent()
    faulthandler.enable()  # a segfault prints where, which the parent reports
    results = os.fdopen(args.result_fd, "w", encoding="utf-8", buffering=1)
    # Case code must not read the task stream by accident.
    tasks = os.fdopen(os.dup(0), "r", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)

    from .adapters.base import Adapter

    try:
        adapter = Adapter.from_json(json.loads(args.adapter))
        adapter.run_setup()
        factory = adapter.load_factory()
        host = adapter.load_host()
    except BaseException as exc:  # reported to the parent, which stops the run
        _send(results, {"type": "fatal", "stage": "adapter", **_error(exc)})
        return 3
    if args.probe:
        return _probe(results, adapter, args.skip_step)

    init = json.loads(tasks.readline() or "{}")
    if init.get("type") != "init":
        _send(results, {"type": "fatal", "stage": "init", "error": "no init message"})
        return 3

    from .runtime.harness import HarnessSettings
    from .runtime.peers import make_tls_pems
    from .warmup import warm_up

    warm_up(init.get("warm_up") or [], factory, host)
    multiplier = float(init.get("multiplier", 1.0))
    settings = HarnessSettings(
        multiplier=multiplier,
        debug=bool(init.get("debug")),
        tls_pems=make_tls_pems(),
        loop_refs={"factory": adapter.factory, "setup": adapter.setup},
        machines=init.get("machines") or {},
        host=host,
    )
    worker = _Worker(results, factory, settings, thread_grace=THREAD_GRACE * multiplier)
    # Every case collects garbage twice (to surface never-retrieved exceptions
    # before the loop closes); freezing what exists now keeps that cheap.
    gc.collect()
    gc.freeze()
    _send(results, {"type": "ready", "pid": os.getpid()})
    for line in tasks:
        message = json.loads(line)
        if message.get("type") == "case":
            worker.run_task(message)
    worker.check_pending(wait=True)
    adapter.run_teardown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
