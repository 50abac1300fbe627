"""Event loops that each break one documented behaviour of the executors section.

Each factory takes no arguments and returns a new loop, for ``--loop
tests.broken.executors_loops:<factory>``.
"""

from __future__ import annotations

import asyncio


class IgnoresExecutorLoop(asyncio.SelectorEventLoop):
    """run_in_executor() always uses the default executor, whatever executor is given."""

    def run_in_executor(self, executor, func, *args):
        return super().run_in_executor(None, func, *args)


class SwallowsErrorsLoop(asyncio.SelectorEventLoop):
    """An exception raised by func becomes a None result."""

    def run_in_executor(self, executor, func, *args):
        def guarded():
            try:
                return func(*args)
            except Exception:
                return None

        return super().run_in_executor(executor, guarded)


class LaxDefaultExecutorLoop(asyncio.SelectorEventLoop):
    """set_default_executor() accepts any executor, not only a ThreadPoolExecutor."""

    def set_default_executor(self, executor):
        self._default_executor = executor


class ForgetsExecutorLoop(asyncio.SelectorEventLoop):
    """close() leaves the default executor running instead of shutting it down."""

    def close(self):
        self._default_executor = None
        super().close()


def ignores_executor_loop():
    return IgnoresExecutorLoop()


def swallows_errors_loop():
    return SwallowsErrorsLoop()


def lax_default_executor_loop():
    return LaxDefaultExecutorLoop()


def forgets_executor_loop():
    return ForgetsExecutorLoop()
