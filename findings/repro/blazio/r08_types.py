import asyncio
import socket
import sys

import blazio

factory = asyncio.new_event_loop if sys.argv[1:] == ["stdlib"] else blazio.new_event_loop
async def main():
    loop = asyncio.get_running_loop()
    h, t = loop.call_soon(print), loop.call_later(10, print)
    print("call_soon():", type(h).__name__, "isinstance asyncio.Handle:", isinstance(h, asyncio.Handle))
    print("call_later():", type(t).__name__, "isinstance asyncio.TimerHandle:", isinstance(t, asyncio.TimerHandle))
    h.cancel(); t.cancel()
    lsock = socket.create_server(("127.0.0.1", 0))
    tr, pr = await loop.create_connection(asyncio.Protocol, *lsock.getsockname())
    print("create_connection():", type(tr).__name__, "isinstance asyncio.Transport:", isinstance(tr, asyncio.Transport))
    try: print("get_extra_info('nope', default=7):", tr.get_extra_info("nope", default=7))
    except TypeError as e: print("get_extra_info('nope', default=7): TypeError:", e)
    tr.close(); lsock.close()
asyncio.run(main(), loop_factory=factory)
