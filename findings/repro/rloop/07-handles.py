import asyncio

import rloop

loop = rloop.new_event_loop()
trace = []
h = loop.call_soon(trace.append, 'cancelled call_soon')
h.cancel()
loop.call_later(0, trace.append, 'cancelled call_later(0)').cancel()
loop.call_soon(trace.append, 'kept')
loop.call_soon(loop.stop); loop.run_forever()
print('trace:', trace)
print('call_soon() returned', type(h), '- asyncio.Handle?', isinstance(h, asyncio.Handle))
t = loop.call_later(10, print)
print('call_later(10) returned', type(t), '- asyncio.TimerHandle?', isinstance(t, asyncio.TimerHandle))
for name in ('cancelled', 'when'):
    try: getattr(h, name)()
    except AttributeError as e: print(f'handle.{name}():', e)
t.cancel(); loop.close()
