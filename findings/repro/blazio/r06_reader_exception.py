import asyncio
import socket
import sys

import blazio

factory = asyncio.new_event_loop if sys.argv[1:] == ["stdlib"] else blazio.new_event_loop
loop = factory()
seen = []
loop.set_exception_handler(lambda l, c: seen.append(repr(c.get("exception"))))
a, b = socket.socketpair()
def reader():
    loop.remove_reader(a)
    raise ZeroDivisionError("in a reader")
loop.add_reader(a, reader); b.send(b"x")
loop.run_until_complete(asyncio.sleep(0.05))
print("exception handler saw:", seen)
a.close(); b.close(); loop.close()
