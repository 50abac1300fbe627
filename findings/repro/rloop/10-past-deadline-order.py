import asyncio

import rloop

loop = rloop.new_event_loop()
trace = []
now = loop.time()
loop.call_at(now - 1, trace.append, 'b')
loop.call_at(now - 3, trace.append, 'a')
loop.call_at(now - 0.5, trace.append, 'c')
loop.run_until_complete(asyncio.sleep(0.05))
print('overdue timers ran in order:', trace)
loop.close()
