"""The start-up probe: one worker per loop, before any case runs.

It answers two questions, in a process of its own so that nothing the loop
does can hurt the run:

1. Does the factory make an event loop? A factory that raises, hangs, or
   returns something without the methods the harness needs stops the run
   at once with exit 2 and the reason, instead of 1500 crashes later.
2. Which warm-up steps can this loop take (conformance/warmup.py)? A step that
   raises is left out; a step that hangs or kills the worker is left out and
   the probe starts again without it.
"""

from __future__ import annotations

import selectors
import time
from dataclasses import dataclass, field
from typing import Optional

from .adapters.base import Adapter
from .errors import Problem, UsageError
from .pool import describe_exit, kill_worker, read_messages, reap_worker, spawn_worker
from .warmup import STEP_TIMEOUT, STEPS

#: Seconds the factory (and the adapter's set-up) may take before the probe gives up.
FACTORY_TIMEOUT = 60.0


@dataclass
class ProbeReport:
    """What the probe learned about one loop."""

    working_steps: list[str] = field(default_factory=list)
    #: step name -> why it was left out of the warm-up
    skipped_steps: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    #: The loop is an asyncio.BaseEventLoop: built on the stdlib's.
    stdlib_based: bool = False
    loop_class: str = ""


def probe(adapter: Adapter, env: Optional[dict], multiplier: float = 1.0) -> ProbeReport:
    """Probe ``adapter``'s loop; raise UsageError when it makes no event loop."""
    started = time.monotonic()
    report = ProbeReport()
    skip: list[str] = []
    while True:
        outcome = _probe_once(adapter, env, skip, multiplier, report)
        if outcome is None:
            report.seconds = round(time.monotonic() - started, 3)
            return report
        step, why = outcome
        report.skipped_steps[step] = why
        if "hung" in why:
            # Every step runs the loop; after one hangs, the others would too (a
            # loop whose run_forever() never returns, say): one wait is enough.
            for name in STEPS:
                if name not in report.working_steps and name not in report.skipped_steps:
                    report.skipped_steps[name] = f"not tried: the step {step!r} hung"
            report.seconds = round(time.monotonic() - started, 3)
            return report
        skip = list(report.skipped_steps)
        report.working_steps = []


def _probe_once(
    adapter: Adapter, env: Optional[dict], skip: list[str], multiplier: float, report: ProbeReport
) -> Optional[tuple[str, str]]:
    """One probe worker; returns (step, why) when a step hung or crashed it, else None."""
    loop_ref = adapter.name
    extra = tuple(arg for name in skip for arg in ("--skip-step", name))
    worker = spawn_worker(adapter, env, ("--probe", *extra))
    worker.proc.stdin.close()
    selector = selectors.DefaultSelector()
    selector.register(worker.reader, selectors.EVENT_READ)
    current: Optional[str] = None
    deadline = time.monotonic() + FACTORY_TIMEOUT * multiplier
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if current is None:
                    raise _problem(
                        loop_ref,
                        f"the loop factory did not return within {FACTORY_TIMEOUT * multiplier:.0f}s",
                        worker.stderr_since_task(),
                    )
                return current, f"the warm-up step hung (over {STEP_TIMEOUT * multiplier:.0f}s)"
            if not selector.select(timeout=min(remaining, 0.5)):
                continue
            messages = read_messages(worker)
            if messages is None:
                returncode = reap_worker(worker)
                tail = worker.stderr_since_task()
                if current is not None:
                    return (
                        current,
                        f"the warm-up step killed the worker: {describe_exit(returncode)}",
                    )
                raise _problem(
                    loop_ref,
                    f"the worker checking the loop died: {describe_exit(returncode)}",
                    tail,
                )
            for message in messages:
                kind = message.get("type")
                if kind == "fatal":
                    what = (
                        "the loop factory" if message.get("stage") == "factory" else "the adapter"
                    )
                    raise _problem(
                        loop_ref,
                        f"{what} raised {message.get('error')}",
                        message.get("traceback", ""),
                    )
                if kind == "not-a-loop":
                    raise _problem(
                        loop_ref,
                        f"the factory returned a {message['got']}, which is not an asyncio event "
                        f"loop: it has no {', '.join(message['missing'])}",
                    )
                if kind == "loop":
                    report.stdlib_based = bool(message.get("stdlib_based"))
                    report.loop_class = message.get("class", "")
                if kind == "step":
                    if message["state"] == "started":
                        current = message["name"]
                        deadline = time.monotonic() + STEP_TIMEOUT * multiplier
                    elif message["state"] == "ok":
                        report.working_steps.append(message["name"])
                        current = None
                    else:
                        report.skipped_steps[message["name"]] = f"raised {message.get('error')}"
                        current = None
                if kind == "probe-done":
                    kill_worker(worker)
                    return None
    finally:
        selector.close()
        kill_worker(worker)
        worker.reader.close()
        worker.stderr_file.close()


def _problem(loop_ref: str, message: str, tail: str = "") -> UsageError:
    lines = [line for line in tail.strip().splitlines() if line.strip()][-8:]
    detail = ("\n  " + "\n  ".join(lines)) if lines else ""
    return UsageError(Problem("--loop", None, None, f"loop {loop_ref!r}: {message}{detail}"))


__all__ = ["STEPS", "ProbeReport", "probe"]
