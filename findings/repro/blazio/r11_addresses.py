import asyncio
import os
import socket
import sys
import tempfile

import blazio

factory = asyncio.new_event_loop if sys.argv[1:] == ["stdlib"] else blazio.new_event_loop
async def main():
    loop = asyncio.get_running_loop()
    got = await loop.getaddrinfo("127.0.0.1", 53, type=socket.SOCK_DGRAM)
    print("loop.getaddrinfo:  ", got)
    print("socket.getaddrinfo:", socket.getaddrinfo("127.0.0.1", 53, type=socket.SOCK_DGRAM))
    for host in ("", ["127.0.0.1", "::1"]):
        try:
            srv = await loop.create_server(asyncio.Protocol, host, 0)
            print(f"create_server(host={host!r}): {len(srv.sockets)} sockets"); srv.close()
        except Exception as e:
            print(f"create_server(host={host!r}): {type(e).__name__}: {e}")
    path = os.path.join(tempfile.mkdtemp(), "s")
    listener = socket.socket(socket.AF_UNIX); listener.bind(path); listener.listen(1)
    sock = socket.socket(socket.AF_UNIX); sock.setblocking(False)
    try:
        await loop.sock_connect(sock, path); print("sock_connect(AF_UNIX socket, path): connected")
    except Exception as e:
        print(f"sock_connect(AF_UNIX socket, path): {type(e).__name__}: {e}")
    sock.close(); listener.close()
asyncio.run(main(), loop_factory=factory)
