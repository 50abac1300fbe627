import asyncio

import rloop

loop = rloop.new_event_loop()
trace = []
loop.call_soon(trace.append, 'a'); loop.call_soon(trace.append, 'b')
loop.stop()
loop.run_forever(); trace.append('returned')
loop.run_until_complete(asyncio.sleep(0))
print(trace)
loop.close()
