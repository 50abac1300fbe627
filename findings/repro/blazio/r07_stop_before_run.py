import asyncio
import sys

import blazio

factory = asyncio.new_event_loop if sys.argv[1:] == ["stdlib"] else blazio.new_event_loop
loop = factory()
trace = []
loop.call_soon(trace.append, "a")
loop.call_soon(trace.append, "b")
loop.stop()
loop.run_forever()
trace.append("returned")
print(trace)
loop.call_soon(loop.stop); loop.run_forever()
print(trace)
loop.close()
