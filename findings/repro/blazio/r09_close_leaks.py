import asyncio
import gc
import os
import sys
import weakref

import blazio

factory = asyncio.new_event_loop if sys.argv[1:] == ["stdlib"] else blazio.new_event_loop
class Payload: pass
loop = factory()
soon, later = Payload(), Payload()
refs = {"call_soon arg": weakref.ref(soon), "call_later(60) arg": weakref.ref(later)}
loop.call_soon(print, soon); loop.call_later(60, print, later)
del soon, later
loop.close(); del loop; gc.collect()
print("after close() + gc:", {k: ("released" if r() is None else "alive") for k, r in refs.items()})
def nfds(): return len(os.listdir("/proc/self/fd"))
def round_with_unclosed_server():
    loop = factory()
    loop.run_until_complete(loop.create_server(asyncio.Protocol, "127.0.0.1", 0))  # never closed
    loop.close(); del loop; gc.collect()
import warnings; warnings.simplefilter("ignore")
before = nfds()
for _ in range(5): round_with_unclosed_server()
print(f"open fds: {before} before, {nfds()} after 5 loops that each left a server open")
