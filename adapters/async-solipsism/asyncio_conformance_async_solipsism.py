"""asyncio-conformance adapter for async-solipsism.

async-solipsism (https://github.com/bmerry/async-solipsism) is an event loop
for unit tests: it never touches the outside world, and its clock is fake. Time
advances only when the loop would otherwise wait, and then jumps straight to
the next timer, so ``await asyncio.sleep(60)`` returns at once with
``loop.time()`` exactly 60 s later.

Copy this file into your own loop's repository and change the three names
below; the entry point in pyproject.toml makes ``--loop async-solipsism`` work.
"""

from __future__ import annotations

from conformance.adapters import Adapter, installed_adapter


def adapter() -> Adapter | None:
    # None where async-solipsism (the PyPI distribution) is not installed here:
    # list-loops then shows the loop as unavailable. A class is a zero-argument
    # factory too: each call returns a new loop. No setup, teardown or
    # environment: the loop needs none.
    return installed_adapter("async-solipsism", __file__, factory="async_solipsism:EventLoop")
