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

from importlib.metadata import PackageNotFoundError, version

from conformance.adapters import Adapter, expectations_beside


def adapter() -> Adapter | None:
    try:
        loop_version = version("async-solipsism")  # the PyPI distribution
    except PackageNotFoundError:
        return None  # not installed here: list-loops shows the loop as unavailable
    return Adapter(
        name="async-solipsism",
        # A class is a zero-argument factory too: each call returns a new loop.
        factory="async_solipsism:EventLoop",
        version=loop_version,
        description="async_solipsism.EventLoop: no real I/O, a fake clock that jumps when idle",
        # No setup/teardown and no environment: the loop needs none.
        expectations=expectations_beside(__file__),
    )
