import asyncio
import logging
import sys

import blazio

factory = asyncio.new_event_loop if sys.argv[1:] == ["stdlib"] else blazio.new_event_loop
records = []
class Keep(logging.Handler):
    def emit(self, r): records.append(f"{r.levelname}: {r.getMessage().splitlines()[0]}")
logging.getLogger("asyncio").addHandler(Keep())
logging.getLogger("asyncio").propagate = False
loop = factory()
def boom(): raise ZeroDivisionError("in a callback")
loop.call_soon(boom)
loop.run_until_complete(asyncio.sleep(0.01))
loop.call_exception_handler({"message": "direct call"})
def bad_handler(loop, context): raise KeyError("handler-bug")
loop.set_exception_handler(bad_handler)
loop.call_exception_handler({"message": "to a failing handler"})
loop.close()
print("records on the 'asyncio' logger:", records, file=sys.stderr)
