import asyncio
import concurrent.futures

import rloop

loop = rloop.new_event_loop()
loop.set_default_executor(concurrent.futures.ProcessPoolExecutor(1)); print('set_default_executor(ProcessPoolExecutor): accepted')
loop.set_default_executor(None)
loop.set_task_factory(1); print('set_task_factory(1): accepted')
def factory(loop, coro, **kw):
    task = asyncio.Task(coro, loop=loop, **kw); task.set_name('from-factory'); return task
loop.set_task_factory(factory)
async def noop(): pass
t = loop.create_task(noop()); print('task made by the factory is named', repr(t.get_name()))
loop.run_until_complete(t)
def future_factory(loop, coro, **kw):
    coro.close(); return loop.create_future()
loop.set_task_factory(future_factory)
try:
    loop.create_task(noop())
except AttributeError as e:
    print('factory returning a Future:', e)
loop.close()
