"""Event loops that each break one documented behaviour of the futures-and-tasks section.

Each factory takes no arguments and returns a new loop, for ``--loop
tests.broken.futures_and_tasks_loops:<factory>``.
"""

from __future__ import annotations

import asyncio


class IgnoresFactoryLoop(asyncio.SelectorEventLoop):
    """create_task() always makes a plain Task, whatever factory was set."""

    def create_task(self, coro, **kwargs):
        return asyncio.Task(coro, loop=self, **kwargs)


class StickyFactoryLoop(asyncio.SelectorEventLoop):
    """set_task_factory(None) keeps the previous factory instead of restoring the default."""

    def set_task_factory(self, factory):
        if factory is not None:
            super().set_task_factory(factory)


class NonTaskLoop(asyncio.SelectorEventLoop):
    """create_task() returns a plain future that follows the task, not the Task itself."""

    def create_task(self, coro, **kwargs):
        task = super().create_task(coro, **kwargs)
        outer = self.create_future()

        def copy_state(done):
            if outer.cancelled():
                return
            if done.cancelled():
                outer.cancel()
            elif done.exception() is not None:
                outer.set_exception(done.exception())
            else:
                outer.set_result(done.result())

        task.add_done_callback(copy_state)
        return outer


class ForeignFutureLoop(asyncio.SelectorEventLoop):
    """create_future() returns a future bound to another loop, not to this one."""

    def __init__(self):
        super().__init__()
        self._other = asyncio.SelectorEventLoop()

    def create_future(self):
        return asyncio.Future(loop=self._other)

    def close(self):
        if not self._other.is_closed():
            self._other.close()
        super().close()


def ignores_factory_loop():
    return IgnoresFactoryLoop()


def sticky_factory_loop():
    return StickyFactoryLoop()


def non_task_loop():
    return NonTaskLoop()


def foreign_future_loop():
    return ForeignFutureLoop()
