import asyncio
import socket
import sys

import blazio


class P(asyncio.Protocol):
    def __init__(self): self.got = []
    def data_received(self, data): self.got.append(data)
async def main():
    loop = asyncio.get_running_loop()
    lsock = socket.create_server(("127.0.0.1", 0))
    tr, pr = await loop.create_connection(P, *lsock.getsockname())
    peer, _ = lsock.accept()
    await asyncio.sleep(0.05)
    tr.pause_reading()
    print("is_reading():", tr.is_reading())
    for i in range(3):
        peer.send(b"chunk%d" % i); await asyncio.sleep(0.05)
    print("data_received while paused:", pr.got)
    tr.resume_reading(); await asyncio.sleep(0.05)
    print("after resume_reading():    ", pr.got)
    tr.close(); peer.close(); lsock.close()
factory = asyncio.new_event_loop if sys.argv[1:] == ["stdlib"] else blazio.new_event_loop
asyncio.run(main(), loop_factory=factory)
