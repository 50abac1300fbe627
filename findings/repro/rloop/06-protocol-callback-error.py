import asyncio
import socket

import rloop


async def main():
    loop = asyncio.get_running_loop()
    reports = []
    loop.set_exception_handler(lambda *args: reports.append(args[-1]['message']))  # any signature
    ours, peer = socket.socketpair()
    events = []
    class Failing(asyncio.Protocol):
        def data_received(self, data): events.append('data_received'); raise ZeroDivisionError
        def connection_lost(self, exc): events.append(('connection_lost', exc))
    tr, _ = await loop.create_connection(Failing, sock=ours)
    peer.send(b'x'); await asyncio.sleep(0.5)
    print('events:', events, '| exception handler reports:', reports, '| is_closing():', tr.is_closing())
    tr.close(); peer.close()

loop = rloop.new_event_loop(); loop.run_until_complete(main()); loop.close()
