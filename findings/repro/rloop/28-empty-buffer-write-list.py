import asyncio
import socket

import rloop


async def main():
    loop = asyncio.get_running_loop()
    events = []
    class B(asyncio.BufferedProtocol):
        def get_buffer(self, n): events.append('get_buffer'); return bytearray(0)
        def buffer_updated(self, n): events.append('buffer_updated')
        def connection_lost(self, exc): events.append(('connection_lost', exc))
    a, b = socket.socketpair()
    tr, _ = await loop.create_connection(B, sock=a)
    b.send(b'data'); await asyncio.sleep(0.3)
    print('get_buffer() returned bytearray(0) ->', events)
    tr.close(); b.close()
    a, b = socket.socketpair()
    tr, _ = await loop.create_connection(asyncio.Protocol, sock=a)
    tr.write([1, 2]); await asyncio.sleep(0.05)
    print('write([1, 2]) accepted; peer got', b.recv(10))
    tr.close(); b.close()
loop = rloop.new_event_loop(); loop.run_until_complete(main()); loop.close()
