import asyncio
import os
import socket
import tempfile

import rloop


async def main():
    loop = asyncio.get_running_loop()
    d = tempfile.mkdtemp(); here, there = os.path.join(d, 'here'), os.path.join(d, 'there')
    other = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); other.bind(there); other.settimeout(1)
    ev = []
    class P(asyncio.DatagramProtocol):
        def datagram_received(self, data, addr): ev.append(('datagram_received', data, addr))
        def error_received(self, exc): ev.append(('error_received', repr(exc)))
    tr, pr = await loop.create_datagram_endpoint(P, local_addr=here, family=socket.AF_UNIX)
    other.sendto(b'unix', here)
    await asyncio.sleep(0.2)
    print('AF_UNIX datagram endpoint ->', ev[:2])
    tr.close(); other.close()
factory = rloop.new_event_loop
l = factory(); l.run_until_complete(main()); l.close()
