import asyncio
import os
import socket
import tempfile

import blazio

loop = blazio.new_event_loop()
d = tempfile.mkdtemp()
calls = {
    "create_unix_connection": lambda: loop.create_unix_connection(asyncio.Protocol, os.path.join(d, "a")),
    "create_unix_server": lambda: loop.create_unix_server(asyncio.Protocol, os.path.join(d, "b")),
    "sock_recv_into": lambda: loop.sock_recv_into(socket.socket(), bytearray(1)),
    "connect_accepted_socket": lambda: loop.connect_accepted_socket(asyncio.Protocol, socket.socket()),
    "start_tls": lambda: loop.start_tls(None, None, None),
    "sendfile": lambda: loop.sendfile(None, None),
    "create_datagram_endpoint(family=AF_UNIX)": lambda: loop.create_datagram_endpoint(
        asyncio.DatagramProtocol, local_addr=os.path.join(d, "c"), family=socket.AF_UNIX),
}
for name, call in calls.items():
    try:
        loop.run_until_complete(call())
    except Exception as e:
        print(f"{name}: {type(e).__name__}: {e}")
loop.close()
