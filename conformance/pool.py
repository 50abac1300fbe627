"""A pool of worker processes that nothing can stall.

Why not pytest-xdist: its workers enforce no per-test deadline from outside,
and a loop stuck in native code (holding the GIL or not) stops any in-process
timer, including pytest-timeout's. Here the parent owns every deadline: when a
case overruns, its worker's whole process group is killed, the case is a
``timeout``, and a fresh worker takes the next case. A worker that dies
mid-case (signal, ``os._exit``, ``sys.exit``) gives ``crash`` with the signal or
exit code and what it printed *during that case* (faulthandler's stacks
included).

The messages each way are described in conformance/worker.py.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Iterator, Optional, Union

from .adapters.base import Adapter
from .idle import IdleMeter
from .results import Details, RawResult

#: Extra seconds on top of a case's own timeout, for the worker's bookkeeping.
SLACK = 2.0
#: How long a new worker may take to import the loop, warm it up and say it is ready.
STARTUP_TIMEOUT = 60.0
#: -j auto: how often the pool looks at the machine's idle CPU, and how many
#: cores must have sat idle since the last look for it to add a worker.
GROW_INTERVAL = 1.0
GROW_WHEN_IDLE = 1.0
#: Give up on a loop whose workers die this many times in a row before a result.
MAX_STARTUP_FAILURES = 3
#: Characters of a worker's stderr kept in a crash's or timeout's details.
STDERR_TAIL = 6000


@dataclass
class Task:
    case: dict  # the case's wire form
    attempt: int
    timeout: float  # seconds, already scaled


@dataclass
class CaseDone:
    """A case attempt finished (or was given up on): its raw result."""

    case_id: str
    attempt: int
    raw: RawResult


@dataclass
class LateHygiene:
    """A hygiene note that could only be decided after the case's result was sent."""

    case_id: str
    attempt: int
    kind: str
    note: str


PoolEvent = Union[CaseDone, LateHygiene]

#: Every live worker's pid (each leads its own process group) and TMPDIR, so that an
#: interrupted run can take them all down from a signal handler.
LIVE_WORKERS: dict[int, str] = {}  # pid -> the worker's TMPDIR


def kill_all_workers() -> None:
    """SIGKILL every worker's process group: the loop's own children go too."""
    for pid, tmpdir in list(LIVE_WORKERS.items()):
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        LIVE_WORKERS.pop(pid, None)
        shutil.rmtree(tmpdir, ignore_errors=True)


@dataclass
class _Worker:
    proc: subprocess.Popen
    reader: object  # binary stream of the result pipe
    stderr_file: object
    #: The worker's TMPDIR, removed when it has been reaped (see spawn_worker).
    tmpdir: str = ""
    ready: bool = False
    task: Optional[Task] = None
    #: A result held back while the worker runs the case again to confirm a leak.
    held: Optional[CaseDone] = None
    deadline: float = 0.0
    stderr_start: int = 0
    buffer: str = ""
    started: float = field(default_factory=time.monotonic)

    def stderr_size(self) -> int:
        try:
            self.stderr_file.flush()
            return os.fstat(self.stderr_file.fileno()).st_size
        except (OSError, ValueError):
            return 0

    def stderr_since_task(self) -> str:
        """What the worker wrote to stderr since its current task began (the tail of it)."""
        try:
            end = self.stderr_size()
            start = max(self.stderr_start, end - STDERR_TAIL)
            self.stderr_file.seek(start)
            return self.stderr_file.read(end - start).decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""


def describe_exit(returncode: Optional[int]) -> str:
    if returncode is None:
        return "the worker stopped answering"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"the worker was killed by {name}"
    return f"the worker exited with code {returncode}"


def spawn_worker(adapter: Adapter, env: Optional[dict], extra: tuple[str, ...] = ()) -> _Worker:
    """Start ``python -m conformance.worker`` for ``adapter`` in a session of its own."""
    read_fd, write_fd = os.pipe()
    stderr_file = tempfile.TemporaryFile()
    child_env = dict(os.environ if env is None else env)
    child_env.setdefault("PYTHONFAULTHANDLER", "1")
    # A temporary folder of its own: a worker killed in the middle of a case
    # (a timeout) cannot clean up what the case made (UNIX socket folders,
    # certificate files), so whatever it left goes with the folder once the
    # worker has been reaped. The name is short: AF_UNIX paths live under it.
    tmpdir = tempfile.mkdtemp(prefix="cfw-")
    child_env["TMPDIR"] = tmpdir
    try:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "conformance.worker",
                "--adapter",
                json.dumps(adapter.to_json()),
                "--result-fd",
                str(write_fd),
                *extra,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=stderr_file,
            pass_fds=(write_fd,),
            start_new_session=True,
            env=child_env,
        )
    except BaseException:
        shutil.rmtree(tmpdir, ignore_errors=True)
        raise
    finally:
        os.close(write_fd)
    LIVE_WORKERS[proc.pid] = tmpdir
    os.set_blocking(read_fd, False)
    reader = os.fdopen(read_fd, "rb", buffering=0)
    return _Worker(proc=proc, reader=reader, stderr_file=stderr_file, tmpdir=tmpdir)


def kill_worker(worker: _Worker) -> Optional[int]:
    """Kill the worker's whole session (the loop's children with it) and reap it."""
    try:
        os.killpg(worker.proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    LIVE_WORKERS.pop(worker.proc.pid, None)
    try:
        returncode: Optional[int] = worker.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        returncode = None
    _remove_tmpdir(worker)
    return returncode


def reap_worker(worker: _Worker) -> Optional[int]:
    """Wait for a worker that is exiting on its own, then take down what it left in its session."""
    try:
        returncode = worker.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        returncode = None
    try:
        os.killpg(worker.proc.pid, signal.SIGKILL)  # a case's children live in its session
    except (ProcessLookupError, PermissionError):
        pass
    if returncode is None:
        return kill_worker(worker)
    LIVE_WORKERS.pop(worker.proc.pid, None)
    _remove_tmpdir(worker)
    return returncode


def _remove_tmpdir(worker: _Worker) -> None:
    if worker.tmpdir:
        shutil.rmtree(worker.tmpdir, ignore_errors=True)


def read_messages(worker: _Worker) -> Optional[list[dict]]:
    """The complete messages waiting on a worker's pipe; None at end of file."""
    try:
        chunk = worker.reader.read(65536)
    except BlockingIOError:
        return []
    if not chunk:
        return None
    worker.buffer += chunk.decode("utf-8", "replace")
    messages = []
    while "\n" in worker.buffer:
        line, worker.buffer = worker.buffer.split("\n", 1)
        messages.append(json.loads(line))
    return messages


class WorkerPool:
    """Runs tasks for one loop on up to ``jobs`` workers; yields events as they come.

    ``init`` is the first message every worker gets: the state machines, the
    timeout multiplier, debug mode and the warm-up steps. It is sent once per
    worker, not with every case.
    """

    def __init__(
        self,
        adapter: Adapter,
        jobs: int,
        init: dict,
        env: Optional[dict] = None,
        grace: float = 0.0,
        max_jobs: Optional[int] = None,
    ) -> None:
        self.adapter = adapter
        self.loop_ref = adapter.name
        self.jobs = max(1, jobs)
        #: With ``-j auto``, the pool grows from ``jobs`` up to this while the
        #: machine has a core to spare (see conformance/idle.py).
        self.max_jobs = max(self.jobs, max_jobs or self.jobs)
        self._idle = IdleMeter() if self.max_jobs > self.jobs else None
        self._next_sample = time.monotonic() + GROW_INTERVAL
        self.env = env
        self.init_line = (json.dumps({"type": "init", **init}) + "\n").encode()
        #: How long closing waits for workers' late thread checks.
        self.grace = grace
        self.selector = selectors.DefaultSelector()
        self.workers: list[_Worker] = []
        self.startup_failures = 0
        self.fatal: Optional[str] = None
        #: Asked between events whether to stop now (a signal, --max-time).
        self.should_stop: Callable[[], bool] = lambda: False
        #: Set when the run stopped before every task had a result.
        self.stopped = False
        #: For the record (``runs[].workers`` in the results): what the run cost.
        self.bytes_sent = 0
        self.spawned = 0
        self.peak_jobs = self.jobs

    # -- worker lifecycle ----------------------------------------------------------

    def _spawn(self) -> _Worker:
        worker = spawn_worker(self.adapter, self.env)
        self.spawned += 1
        worker.deadline = time.monotonic() + STARTUP_TIMEOUT
        self._write(worker, self.init_line)
        self.selector.register(worker.reader, selectors.EVENT_READ, worker)
        self.workers.append(worker)
        return worker

    def _write(self, worker: _Worker, data: bytes) -> None:
        try:
            worker.proc.stdin.write(data)
            worker.proc.stdin.flush()
            self.bytes_sent += len(data)
        except OSError:
            pass  # the worker died; its EOF on the result pipe tells the rest

    def _forget(self, worker: _Worker) -> None:
        if worker in self.workers:
            self.workers.remove(worker)
            try:
                self.selector.unregister(worker.reader)
            except (KeyError, ValueError):
                pass
            worker.reader.close()
            if worker.proc.stdin:
                try:
                    worker.proc.stdin.close()
                except OSError:
                    pass
            worker.stderr_file.close()

    def _close(self) -> Iterator[PoolEvent]:
        """Ask workers to finish (late thread checks, the adapter's tear-down), then reap them."""
        for worker in list(self.workers):
            try:
                worker.proc.stdin.close()
            except OSError:
                pass
        deadline = time.monotonic() + self.grace + 10
        while self.workers and time.monotonic() < deadline and not self.should_stop():
            for key, _ in self.selector.select(timeout=0.2):
                worker = key.data
                messages = read_messages(worker)
                if messages is None:
                    reap_worker(worker)
                    self._forget(worker)
                    continue
                for message in messages:
                    if message.get("type") == "late-hygiene":
                        yield _late(message)
        for worker in list(self.workers):
            kill_worker(worker)
            self._forget(worker)
        self.selector.close()

    # -- the scheduling loop ---------------------------------------------------------

    def run(self, tasks: list[Task]) -> Iterator[PoolEvent]:
        """Run every task; yield one CaseDone per task, in completion order, and late notes."""
        queue = deque(tasks)
        pending = len(tasks)
        try:
            while pending:
                if self.should_stop():
                    self.stopped = True
                    for worker in list(self.workers):
                        kill_worker(worker)
                        self._forget(worker)
                    break
                if self.fatal:
                    while queue:
                        task = queue.popleft()
                        pending -= 1
                        yield _synthetic(task, "error", self.fatal)
                    if not any(w.task for w in self.workers):
                        break
                self._maybe_grow(queue)
                while len(self.workers) < min(self.jobs, len(queue) + self._busy()):
                    self._spawn()
                for worker in self.workers:
                    if worker.ready and worker.task is None and queue:
                        self._assign(worker, queue.popleft())
                timeout = max(
                    0.0,
                    min(
                        (w.deadline for w in self.workers if w.deadline),
                        default=time.monotonic() + 1,
                    )
                    - time.monotonic(),
                )
                for key, _ in self.selector.select(timeout=min(timeout, 1.0)):
                    for event in self._read(key.data):
                        if isinstance(event, CaseDone):
                            pending -= 1
                        yield event
                now = time.monotonic()
                for worker in list(self.workers):
                    if worker.deadline and now > worker.deadline:
                        event = self._expire(worker)
                        if event is not None:
                            pending -= 1
                            yield event
        finally:
            yield from self._close()

    def _busy(self) -> int:
        return sum(1 for w in self.workers if w.task is not None)

    def _maybe_grow(self, queue: deque) -> None:
        """Add a worker when every worker is busy, cases are queued, and more than a
        core sat idle over the last interval: the cases are waiting, not computing."""
        if self._idle is None or time.monotonic() < self._next_sample:
            return
        self._next_sample = time.monotonic() + GROW_INTERVAL
        idle = self._idle.idle_cores()
        if (
            idle is not None
            and idle > GROW_WHEN_IDLE
            and queue
            and self.jobs < self.max_jobs
            and len(self.workers) >= self.jobs
            and all(w.task is not None for w in self.workers)
        ):
            self.jobs += 1
            self.peak_jobs = max(self.peak_jobs, self.jobs)

    def _assign(self, worker: _Worker, task: Task) -> None:
        worker.task = task
        worker.deadline = time.monotonic() + task.timeout + SLACK
        worker.stderr_start = worker.stderr_size()
        message = {
            "type": "case",
            "case": task.case,
            "attempt": task.attempt,
            "timeout": task.timeout,
        }
        self._write(worker, (json.dumps(message) + "\n").encode())

    def _read(self, worker: _Worker) -> Iterator[PoolEvent]:
        messages = read_messages(worker)
        if messages is None:
            yield from self._died(worker)
            return
        for message in messages:
            kind = message.get("type")
            if kind == "ready":
                worker.ready = True
                worker.deadline = 0.0
                self.startup_failures = 0
            elif kind == "fatal":
                self.fatal = (
                    f"the loop could not be set up in a worker: {message.get('error')}\n"
                    f"{_tail(message.get('traceback', ''), 1500)}"
                )
            elif kind == "result":
                done = CaseDone(
                    message["id"], message["attempt"], RawResult.from_json(message["raw"])
                )
                if message.get("confirming") and worker.task is not None:
                    # The worker runs the case once more; its deadline starts again.
                    worker.held = done
                    worker.deadline = time.monotonic() + worker.task.timeout + SLACK
                    continue
                worker.task = None
                worker.deadline = 0.0
                yield done
            elif kind == "confirmed":
                done = worker.held
                worker.held = None
                worker.task = None
                worker.deadline = 0.0
                if done is not None:
                    done.raw.hygiene.update(message.get("hygiene") or {})
                    yield done
            elif kind == "late-hygiene":
                yield _late(message)

    def _died(self, worker: _Worker) -> Iterator[PoolEvent]:
        returncode = reap_worker(worker)
        tail = worker.stderr_since_task()
        self._forget(worker)
        if worker.held is not None:
            worker.held.raw.harness.append(
                f"the leak confirmation run did not finish: {describe_exit(returncode)}"
            )
            yield worker.held
        elif worker.task is not None:
            yield _synthetic(worker.task, "crash", describe_exit(returncode), tail)
        elif not worker.ready:
            self.startup_failures += 1
            if self.startup_failures >= MAX_STARTUP_FAILURES and not self.fatal:
                self.fatal = (
                    f"workers for {self.loop_ref} die before they start: "
                    f"{describe_exit(returncode)}\n{_tail(tail, 1500)}"
                )

    def _expire(self, worker: _Worker) -> Optional[PoolEvent]:
        tail = worker.stderr_since_task()
        task, held = worker.task, worker.held
        kill_worker(worker)
        self._forget(worker)
        if held is not None:
            held.raw.harness.append("the leak confirmation run did not finish in time")
            return held
        if task is None:
            self.startup_failures += 1
            if self.startup_failures >= MAX_STARTUP_FAILURES and not self.fatal:
                self.fatal = f"workers for {self.loop_ref} did not start within {STARTUP_TIMEOUT}s"
            return None
        return _synthetic(
            task, "timeout", f"no result within {task.timeout:.1f}s; the worker was killed", tail
        )


def _late(message: dict) -> LateHygiene:
    return LateHygiene(message["id"], message["attempt"], message["kind"], message["note"])


def _tail(text: str, limit: int) -> str:
    return text[-limit:]


def _synthetic(task: Task, outcome: str, message: str, tail: str = "") -> CaseDone:
    details = Details(actual=_tail(tail, STDERR_TAIL)) if tail.strip() else None
    raw = RawResult(
        outcome,  # type: ignore[arg-type]
        message,
        details=details,
        duration_s=task.timeout if outcome == "timeout" else 0.0,
    )
    return CaseDone(task.case["id"], task.attempt, raw)
