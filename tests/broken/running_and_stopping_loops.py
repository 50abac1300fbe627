"""Deliberately broken loops for the running-and-stopping specs.

Each loop breaks exactly one documented behaviour, so that
tests/test_broken_loops.py can show which cases catch it (tests/broken_loops.yaml lists them).
"""

from __future__ import annotations

import asyncio


class DeferredStopLoop(asyncio.SelectorEventLoop):
    """stop() takes effect one batch late: it is queued as a new callback.

    Breaks: "If stop() is called while run_forever() is running, the loop will run
    the current batch of callbacks and then exit" (callbacks scheduled by the batch
    run before the loop exits).
    """

    def stop(self) -> None:
        self.call_soon(super().stop)


class RunsPendingOnCloseLoop(asyncio.SelectorEventLoop):
    """close() runs the ready callbacks instead of discarding them.

    Breaks: "Any pending callbacks will be discarded."
    """

    def close(self) -> None:
        if not self.is_closed() and not self.is_running():
            self.call_soon(self.stop)
            self.run_forever()
        super().close()


class CloseOnceLoop(asyncio.SelectorEventLoop):
    """A second close() raises.

    Breaks: "This method is idempotent and irreversible."
    """

    def close(self) -> None:
        if self.is_closed():
            raise RuntimeError("the loop is already closed")
        super().close()


class ForgetfulAsyncgensLoop(asyncio.SelectorEventLoop):
    """shutdown_asyncgens() does nothing.

    Breaks: "Schedule all currently open asynchronous generator objects to close
    with an aclose() call" (and the warning for generators iterated afterwards).
    """

    async def shutdown_asyncgens(self) -> None:
        return None


class ResultlessLoop(asyncio.SelectorEventLoop):
    """run_until_complete() drops the result.

    Breaks: "Return the Future's result or raise its exception."
    """

    def run_until_complete(self, future):  # type: ignore[override]
        super().run_until_complete(future)
        return None
