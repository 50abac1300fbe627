import asyncio
import socket

import rloop


async def main():
    loop = asyncio.get_running_loop()
    a, b = socket.socketpair()
    tr, _ = await loop.create_connection(asyncio.Protocol, sock=a)
    print('TCP transport', type(tr).__name__, '- asyncio.Transport?', isinstance(tr, asyncio.Transport))
    try:
        tr.set_protocol(asyncio.Protocol())
    except NotImplementedError as e:
        print('set_protocol():', e)
    tr.close(); b.close()
    ut, _ = await loop.create_datagram_endpoint(asyncio.DatagramProtocol, local_addr=('127.0.0.1', 0))
    print('UDP transport', type(ut).__name__, '- asyncio.DatagramTransport?', isinstance(ut, asyncio.DatagramTransport))
    ut.close()
loop = rloop.new_event_loop(); loop.run_until_complete(main()); loop.close()
