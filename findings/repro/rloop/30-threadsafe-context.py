import asyncio
import contextvars
import threading

import rloop

var = contextvars.ContextVar('var', default='unset')
loop = rloop.new_event_loop()
seen = []
def other_thread():
    var.set('other thread')
    loop.call_soon_threadsafe(lambda: seen.append(var.get()))
t = threading.Thread(target=other_thread); t.start(); t.join()
loop.run_until_complete(asyncio.sleep(0.05))
print('callback saw var =', seen)
loop.close()
