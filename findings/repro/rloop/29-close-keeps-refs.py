import gc
import weakref

import rloop


class Callback:
    def __call__(self): pass
loop = rloop.new_event_loop()
cb = Callback(); ref = weakref.ref(cb)
loop.call_soon(cb); loop.call_later(10, cb); del cb
loop.close(); gc.collect()
print('pending callbacks released by close():', ref() is None)
