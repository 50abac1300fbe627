"""A pool of worker processes that nothing can stall.

Why not pytest-xdist: its workers enforce no per-test deadline from outside,
and a loop stuck in native code (holding the GIL or not) stops any in-process
timer, including pytest-timeout's. Here the parent owns every deadline: when a
case overruns, its worker's whole process group is killed, the case is a
``timeout``, and a fresh worker takes the next case. A worker that dies
mid-case (signal, ``os._exit``, ``sys.exit``) gives ``crash`` with the signal or
exit code and the last lines it printed.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Iterator, Optional

#: Extra seconds on top of a case's own timeout, for the worker's bookkeeping.
SLACK = 2.0
#: How long a new worker may take to import the loop and say it is ready.
STARTUP_TIMEOUT = 60.0
#: Give up on a loop whose workers die this many times in a row before a result.
MAX_STARTUP_FAILURES = 3


@dataclass
class Task:
    case: dict
    attempt: int
    timeout: float  # seconds, already scaled
    multiplier: float = 1.0
    debug: bool = False


@dataclass
class _Worker:
    proc: subprocess.Popen
    reader: object  # text stream of the result pipe
    stderr_file: object
    ready: bool = False
    task: Optional[Task] = None
    deadline: float = 0.0
    buffer: str = ""
    started: float = field(default_factory=time.monotonic)

    def stderr_tail(self, limit: int = 4000) -> str:
        try:
            self.stderr_file.flush()
            self.stderr_file.seek(0, os.SEEK_END)
            size = self.stderr_file.tell()
            self.stderr_file.seek(max(size - limit, 0))
            return self.stderr_file.read().decode("utf-8", "replace")
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


class WorkerPool:
    """Runs tasks for one loop on up to ``jobs`` workers; yields results as they come."""

    def __init__(self, loop_ref: str, jobs: int, env: Optional[dict] = None) -> None:
        self.loop_ref = loop_ref
        self.jobs = max(1, jobs)
        self.env = env
        self.selector = selectors.DefaultSelector()
        self.workers: list[_Worker] = []
        self.startup_failures = 0
        self.fatal: Optional[str] = None

    # -- worker lifecycle ----------------------------------------------------------

    def _spawn(self) -> _Worker:
        read_fd, write_fd = os.pipe()
        stderr_file = tempfile.TemporaryFile()
        env = dict(os.environ if self.env is None else self.env)
        env.setdefault("PYTHONFAULTHANDLER", "1")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "conformance.worker",
                "--loop",
                self.loop_ref,
                "--result-fd",
                str(write_fd),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=stderr_file,
            pass_fds=(write_fd,),
            start_new_session=True,
            env=env,
        )
        os.close(write_fd)
        os.set_blocking(read_fd, False)
        worker = _Worker(
            proc=proc, reader=os.fdopen(read_fd, "rb", buffering=0), stderr_file=stderr_file
        )
        worker.deadline = time.monotonic() + STARTUP_TIMEOUT
        self.selector.register(worker.reader, selectors.EVENT_READ, worker)
        self.workers.append(worker)
        return worker

    def _kill(self, worker: _Worker) -> Optional[int]:
        try:
            os.killpg(worker.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        return self._reap(worker)

    def _reap(self, worker: _Worker) -> Optional[int]:
        try:
            returncode = worker.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            returncode = None
        try:
            # A case's children live in the worker's session: take them down too.
            os.killpg(worker.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._forget(worker)
        return returncode

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

    def close(self) -> None:
        """Ask idle workers to finish (running the adapter's tear-down), then reap them."""
        for worker in list(self.workers):
            try:
                worker.proc.stdin.close()
            except OSError:
                pass
        deadline = time.monotonic() + 10
        for worker in list(self.workers):
            try:
                worker.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            self._kill(worker)
        self.selector.close()

    # -- the scheduling loop ---------------------------------------------------------

    def run(
        self, tasks: list[Task], on_result: Optional[Callable[[dict], None]] = None
    ) -> Iterator[dict]:
        """Run every task; yield one result dict per task, in completion order."""
        queue = deque(tasks)
        pending = len(tasks)
        try:
            while pending:
                if self.fatal:
                    while queue:
                        task = queue.popleft()
                        pending -= 1
                        yield self._synthetic(task, "error", self.fatal)
                    busy = [w for w in self.workers if w.task]
                    if not busy:
                        break
                while len(self.workers) < min(self.jobs, len(queue) + self._busy()):
                    self._spawn()
                for worker in self.workers:
                    if worker.ready and worker.task is None and queue:
                        self._assign(worker, queue.popleft())
                timeout = max(
                    0.0,
                    min((w.deadline for w in self.workers), default=time.monotonic())
                    - time.monotonic(),
                )
                for key, _ in self.selector.select(timeout=min(timeout, 1.0)):
                    for result in self._read(key.data, queue):
                        pending -= 1
                        yield result
                now = time.monotonic()
                for worker in list(self.workers):
                    if worker.deadline and now > worker.deadline:
                        result = self._expire(worker, queue)
                        if result is not None:
                            pending -= 1
                            yield result
        finally:
            self.close()

    def _busy(self) -> int:
        return sum(1 for w in self.workers if w.task is not None)

    def _assign(self, worker: _Worker, task: Task) -> None:
        worker.task = task
        worker.deadline = time.monotonic() + task.timeout + SLACK
        message = {
            "case": task.case,
            "attempt": task.attempt,
            "multiplier": task.multiplier,
            "debug": task.debug,
        }
        try:
            worker.proc.stdin.write((json.dumps(message) + "\n").encode())
            worker.proc.stdin.flush()
        except OSError:
            pass  # the worker died; its EOF on the result pipe tells the rest

    def _read(self, worker: _Worker, queue: deque) -> Iterator[dict]:
        try:
            chunk = worker.reader.read(65536)
        except BlockingIOError:
            return
        if not chunk:
            yield from self._died(worker, queue)
            return
        worker.buffer += chunk.decode("utf-8", "replace")
        while "\n" in worker.buffer:
            line, worker.buffer = worker.buffer.split("\n", 1)
            message = json.loads(line)
            if "ready" in message:
                worker.ready = True
                worker.deadline = 0.0
                self.startup_failures = 0
            elif "fatal" in message:
                self.fatal = f"the loop could not be set up in a worker: {message['fatal']}"
            else:
                worker.task = None
                worker.deadline = 0.0
                yield message

    def _died(self, worker: _Worker, queue: deque) -> Iterator[dict]:
        returncode = self._reap(worker)
        tail = worker.stderr_tail() if not worker.stderr_file.closed else ""
        if worker.task is not None:
            yield self._synthetic(worker.task, "crash", describe_exit(returncode), tail)
        elif not worker.ready:
            self.startup_failures += 1
            if self.startup_failures >= MAX_STARTUP_FAILURES and not self.fatal:
                self.fatal = (
                    f"workers for {self.loop_ref} die before they start: "
                    f"{describe_exit(returncode)}\n{tail[-1000:]}"
                )

    def _expire(self, worker: _Worker, queue: deque) -> Optional[dict]:
        tail = worker.stderr_tail()
        task = worker.task
        self._kill(worker)
        if task is None:
            self.startup_failures += 1
            if self.startup_failures >= MAX_STARTUP_FAILURES and not self.fatal:
                self.fatal = f"workers for {self.loop_ref} did not start within {STARTUP_TIMEOUT}s"
            return None
        return self._synthetic(
            task, "timeout", f"no result within {task.timeout:.1f}s; the worker was killed", tail
        )

    @staticmethod
    def _synthetic(task: Task, outcome: str, message: str, tail: str = "") -> dict:
        details = {"expected": "", "actual": tail[-4000:], "traceback": ""} if tail else None
        return {
            "id": task.case["id"],
            "attempt": task.attempt,
            "outcome": outcome,
            "message": message,
            "details": details,
            "observed": None,
            "duration_s": task.timeout if outcome == "timeout" else 0.0,
        }
