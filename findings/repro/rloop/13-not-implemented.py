import asyncio
import io
import os
import socket
import ssl
import tempfile

import rloop


async def main():
    loop = asyncio.get_running_loop()
    srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen()
    a, b = socket.socketpair()
    path = os.path.join(tempfile.mkdtemp(), 's')
    tr, _ = await loop.create_connection(asyncio.Protocol, *srv.getsockname())
    calls = {
        'create_connection(ssl=ctx)': lambda: loop.create_connection(asyncio.Protocol, *srv.getsockname(), ssl=ssl.create_default_context()),
        'create_server(ssl=ctx)': lambda: loop.create_server(asyncio.Protocol, '127.0.0.1', 0, ssl=ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)),
        'start_tls()': lambda: loop.start_tls(tr, tr.get_protocol(), ssl.create_default_context()),
        'create_unix_server(path)': lambda: loop.create_unix_server(asyncio.Protocol, path),
        'create_unix_connection(path)': lambda: loop.create_unix_connection(asyncio.Protocol, path),
        'connect_accepted_socket(sock)': lambda: loop.connect_accepted_socket(asyncio.Protocol, a),
        'sendfile(transport, file)': lambda: loop.sendfile(tr, io.BytesIO(b'data')),
        'sock_sendfile(sock, file)': lambda: loop.sock_sendfile(b, io.BytesIO(b'data')),
    }
    for name, call in calls.items():
        try:
            await call(); print(name, 'ok')
        except NotImplementedError:
            print(name, '-> NotImplementedError')
    tr.close()

loop = rloop.new_event_loop(); loop.run_until_complete(main()); loop.close()
