import asyncio
import os
import socket

import rloop


async def main():
    srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen()
    loop = asyncio.get_running_loop()
    lost = loop.create_future()
    class P(asyncio.Protocol):
        def connection_lost(self, exc): lost.set_result(exc)
    tr, _ = await loop.create_connection(P, *srv.getsockname())
    peer, _ = srv.accept(); peer.settimeout(2)
    fd = tr.get_extra_info('socket').fileno()
    tr.write(b'hello'); tr.close()
    print('connection_lost:', await lost)
    print('peer reads:', peer.recv(100))
    try:
        print('peer reads again:', peer.recv(100), '(b"" = EOF)')
    except socket.timeout:
        print('peer reads again: timed out after 2s, no EOF')
    print(f'fd {fd} still open after connection_lost():', os.path.exists(f'/proc/self/fd/{fd}'))

loop = rloop.new_event_loop(); loop.run_until_complete(main()); loop.close()
