import asyncio
import socket

import rloop


def knock(addr):
    with socket.socket() as s:
        s.settimeout(1); return s.connect_ex(addr)
async def main():
    loop = asyncio.get_running_loop()
    srv = await loop.create_server(asyncio.Protocol, '127.0.0.1', 0); addr = srv.sockets[0].getsockname()
    w = loop.create_task(srv.wait_closed()); await asyncio.sleep(0.05)
    print('wait_closed() done before close():', w.done())
    srv.close(); await srv.wait_closed(); await asyncio.sleep(0.05)
    print('after close()+wait_closed(): is_serving', srv.is_serving(), 'connect_ex ->', knock(addr), '(0 = still accepting)')
    try:
        await asyncio.wait_for(srv.serve_forever(), 0.5); print('serve_forever() on closed server returned')
    except Exception as e: print('serve_forever() on closed server:', type(e).__name__, e)
    srv = await loop.create_server(asyncio.Protocol, '127.0.0.1', 0, start_serving=False)
    try:
        await srv.start_serving(); await srv.start_serving(); print('start_serving() twice: ok')
    except Exception as e: print('start_serving() twice:', type(e).__name__, e)
    srv.close()
    # existing connection after Server.close()
    got = []
    class P(asyncio.Protocol):
        def connection_made(self, t): made.append(self); self.t = t
        def data_received(self, d): got.append(d)
    made = []
    srv = await loop.create_server(P, '127.0.0.1', 0); addr = srv.sockets[0].getsockname()
    c = socket.create_connection(addr); c.sendall(b'before')
    while not got: await asyncio.sleep(0.01)
    srv.close(); await asyncio.sleep(0.05)
    c.sendall(b'after'); await asyncio.sleep(0.3)
    print('accepted connection after Server.close(): received', got)
    c.close()
factory = rloop.new_event_loop
l = factory(); l.run_until_complete(main()); l.close()
