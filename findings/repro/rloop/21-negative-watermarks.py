import asyncio
import socket

import rloop


async def main():
    a, b = socket.socketpair()
    tr, _ = await asyncio.get_running_loop().create_connection(asyncio.Protocol, sock=a)
    try:
        tr.set_write_buffer_limits(high=-1)
    except Exception as e:
        print('set_write_buffer_limits(high=-1):', type(e).__name__, e)
    tr.close(); b.close()
loop = rloop.new_event_loop(); loop.run_until_complete(main()); loop.close()
