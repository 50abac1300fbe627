import asyncio
import socket

import rloop


async def main():
    srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen()
    events = []
    class P(asyncio.Protocol):
        def connection_lost(self, exc): events.append('connection_lost')
    tr, _ = await asyncio.get_running_loop().create_connection(P, *srv.getsockname())
    tr.close()
    print('events right after close() returned:', events)

loop = rloop.new_event_loop(); loop.run_until_complete(main()); loop.close()
