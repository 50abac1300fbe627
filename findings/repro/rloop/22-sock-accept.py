import asyncio
import socket

import rloop


async def main():
    srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(); srv.setblocking(False)
    aw = asyncio.get_running_loop().sock_accept(srv)
    print('sock_accept() returned', type(aw).__name__, '- coroutine?', asyncio.iscoroutine(aw))
    try:
        asyncio.create_task(aw)
    except TypeError as e:
        print('create_task(loop.sock_accept(sock)):', e)
    aw.cancel(); srv.close()
loop = rloop.new_event_loop(); loop.run_until_complete(main()); loop.close()
