import asyncio
import gc
import sys

import blazio

factory = asyncio.new_event_loop if sys.argv[1:] == ["stdlib"] else blazio.new_event_loop
def new_loop():
    loop = factory()
    loop.set_exception_handler(lambda l, c: print("   exception handler:", c["message"], repr(c.get("exception", ""))))
    return loop
print("1. run_until_complete() of a coroutine raising SystemExit, then the loop is reused")
loop = new_loop()
async def main():
    await asyncio.sleep(0); raise SystemExit("out")
try: loop.run_until_complete(main())
except SystemExit: print("   SystemExit escaped, as it should")
try: print("   next run_until_complete(sleep(0.01)):", loop.run_until_complete(asyncio.sleep(0.01, "ok")))
except RuntimeError as e: print("   next run_until_complete(sleep(0.01)): RuntimeError:", e)
gc.collect(); loop.run_until_complete(asyncio.sleep(0)); loop.close()
print("2. run_until_complete(coro) while the loop runs")
loop = new_loop()
async def inner(): pass
async def outer():
    c = inner()
    try: loop.run_until_complete(c)
    except RuntimeError as e: print("   RuntimeError:", e)
    c.close()
loop.run_until_complete(outer()); gc.collect(); loop.run_until_complete(asyncio.sleep(0)); loop.close()
print("3. create_task() on a closed loop")
loop = new_loop(); loop.close()
c = inner()
try: loop.create_task(c)
except RuntimeError as e: print("   RuntimeError:", e)
c.close(); gc.collect()
