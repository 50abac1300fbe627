import gc
import os
import warnings

import rloop

warnings.simplefilter('always', ResourceWarning)
def nfds(): return len(os.listdir('/proc/self/fd'))
async def nothing(): pass
base = nfds()
for i in range(3):
    loop = rloop.new_event_loop(); loop.run_until_complete(nothing()); loop.close()
    del loop; gc.collect()
    print(f'after loop #{i + 1} (run, closed, collected): {nfds() - base:+d} fds')
