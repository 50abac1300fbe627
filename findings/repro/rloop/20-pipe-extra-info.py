import asyncio
import os

import rloop


async def main():
    r, w = os.pipe()
    tr, _ = await asyncio.get_running_loop().connect_read_pipe(asyncio.Protocol, open(r, 'rb', buffering=0))
    try:
        print(tr.get_extra_info('pipe'))
    except AttributeError as e:
        print("get_extra_info('pipe'):", e)
    try:
        print(tr.get_extra_info('nothing', 'default'))
    except AttributeError as e:
        print("get_extra_info('nothing', 'default'):", e)
    tr.close(); os.close(w)
loop = rloop.new_event_loop(); loop.run_until_complete(main()); loop.close()
