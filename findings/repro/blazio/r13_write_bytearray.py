import asyncio
import socket
import sys

import blazio


async def main():
    loop = asyncio.get_running_loop()
    lsock = socket.create_server(("127.0.0.1", 0))
    tr, pr = await loop.create_connection(asyncio.Protocol, *lsock.getsockname())
    peer, _ = lsock.accept()
    buf = bytearray(b"abc")
    tr.write(buf)          # write() returned: the transport should own a copy now
    buf[:] = b"XXX"        # caller reuses its buffer
    tr.close()
    await asyncio.sleep(0.1)
    print("peer received:", peer.recv(100))
    peer.close(); lsock.close()
factory = asyncio.new_event_loop if sys.argv[1:] == ["stdlib"] else blazio.new_event_loop
asyncio.run(main(), loop_factory=factory)
