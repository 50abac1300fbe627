import asyncio
import socket
import sys

import blazio


async def main():
    loop = asyncio.get_running_loop()
    lsock = socket.create_server(("127.0.0.1", 0))
    tr, pr = await loop.create_connection(asyncio.Protocol, *lsock.getsockname())
    peer, _ = lsock.accept()
    print("open:   peername", tr.get_extra_info("peername"), "sockname", tr.get_extra_info("sockname"), "socket", tr.get_extra_info("socket") is not None)
    tr.close()
    print("closing: peername", tr.get_extra_info("peername"))
    await asyncio.sleep(0.05)
    print("closed: peername", tr.get_extra_info("peername"), "sockname", tr.get_extra_info("sockname"))
    try:
        print("default kw:", tr.get_extra_info("nope", default=7))
    except TypeError as e:
        print("default kw: TypeError:", e)
    print("default positional:", tr.get_extra_info("nope", 7))
    peer.close(); lsock.close()
factory = asyncio.new_event_loop if sys.argv[1:] == ["stdlib"] else blazio.new_event_loop
asyncio.run(main(), loop_factory=factory)
