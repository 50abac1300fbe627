"""How much of the machine's CPU went unused: the signal for adding workers.

Most of a slow loop's run is spent waiting (a peer that never sees EOF, a
call that never completes), not computing. With one worker per core the
cores then sit idle while the cases wait their timeouts out. ``-j auto``
adds a worker whenever the machine as a whole (not only our workers: a CI
runner may be busy with other jobs) left more than a core idle, so waits
overlap without making the cases that do compute compete for a core.
"""

from __future__ import annotations

import os
from typing import Optional

_STAT = "/proc/stat"


def _read() -> Optional[tuple[int, int]]:
    """(idle, total) jiffies over every CPU since boot, or None where /proc/stat is missing."""
    try:
        with open(_STAT) as stat:
            fields = stat.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != "cpu":
        return None
    values = [int(v) for v in fields[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return idle, sum(values)


class IdleMeter:
    """Idle cores since the previous reading; None where it cannot be measured."""

    def __init__(self) -> None:
        self.cores = os.cpu_count() or 1
        self._last = _read()

    def idle_cores(self) -> Optional[float]:
        now = _read()
        last, self._last = self._last, now
        if now is None or last is None or now[1] <= last[1]:
            return None
        return self.cores * (now[0] - last[0]) / (now[1] - last[1])
