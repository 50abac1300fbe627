"""Event loops that each break one documented behaviour of the error-handling section.

Each factory takes no arguments and returns a new loop, for ``--loop
tests.broken.error_handling_loops:<factory>``.
"""

from __future__ import annotations

import asyncio
import logging


class IgnoresNoneLoop(asyncio.SelectorEventLoop):
    """set_exception_handler(None) keeps the custom handler instead of restoring the default."""

    def set_exception_handler(self, handler):
        if handler is not None:
            super().set_exception_handler(handler)


class AlwaysDefaultLoop(asyncio.SelectorEventLoop):
    """call_exception_handler() ignores the custom handler and always logs."""

    def call_exception_handler(self, context):
        self.default_exception_handler(context)


class DropsExceptionLoop(asyncio.SelectorEventLoop):
    """The handler gets a copy of the context without its 'exception'."""

    def call_exception_handler(self, context):
        super().call_exception_handler({k: v for k, v in context.items() if k != "exception"})


class UnguardedHandlerLoop(asyncio.SelectorEventLoop):
    """An exception raised by the custom handler escapes call_exception_handler()."""

    def call_exception_handler(self, context):
        handler = self.get_exception_handler()
        if handler is None:
            self.default_exception_handler(context)
        else:
            handler(self, context)


class QuietDefaultLoop(asyncio.SelectorEventLoop):
    """The default handler logs at DEBUG, so by default nothing is shown."""

    def default_exception_handler(self, context):
        logging.getLogger("asyncio").debug("%s", context.get("message"))


class LaxSetterLoop(asyncio.SelectorEventLoop):
    """set_exception_handler() accepts anything, callable or not."""

    def set_exception_handler(self, handler):
        self._exception_handler = handler
