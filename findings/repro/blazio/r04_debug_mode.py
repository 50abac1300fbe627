import asyncio
import sys
import threading

import blazio

factory = asyncio.new_event_loop if sys.argv[1:] == ["stdlib"] else blazio.new_event_loop
loop = factory()
print("get_debug() on a new loop:", loop.get_debug())
loop.set_debug(True)
print("get_debug() after set_debug(True):", loop.get_debug())
print("loop.slow_callback_duration:", getattr(loop, "slow_callback_duration", "AttributeError"))
errors = []
def from_other_thread():
    try: loop.call_soon(print, "scheduled from another thread")
    except RuntimeError as e: errors.append(str(e))
async def main():
    t = threading.Thread(target=from_other_thread); t.start(); t.join()
    await asyncio.sleep(0)
loop.run_until_complete(main())
print("call_soon() from another thread in debug mode:", errors or "accepted")
loop.close()
