import gc
import weakref

import rloop


class Callback:
    def __call__(self): pass
loop = rloop.new_event_loop()
cb = Callback(); ref = weakref.ref(cb)
loop.call_later(3600, cb).cancel()
del cb; gc.collect()
print('callback released after cancel():', ref() is None)
loop.close()
