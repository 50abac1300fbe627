"""Loops that break what the policy-level child watchers need from the loop."""

from __future__ import annotations

import asyncio
import signal


class SigchldIgnoredLoop(asyncio.SelectorEventLoop):
    """add_signal_handler(SIGCHLD, ...) is accepted but never installed, so child watchers
    attached to this loop never hear about exiting children."""

    def add_signal_handler(self, sig, callback, *args):  # type: ignore[override]
        if sig == signal.SIGCHLD:
            return
        super().add_signal_handler(sig, callback, *args)
