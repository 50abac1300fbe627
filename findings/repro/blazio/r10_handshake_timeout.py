import asyncio
import socket
import ssl
import sys
import threading
import time

import blazio

# cert.pem/key.pem: any self-signed cert for localhost, e.g.
# openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost
factory = asyncio.new_event_loop if sys.argv[1:] == ["stdlib"] else blazio.new_event_loop
async def main():
    loop = asyncio.get_running_loop()
    silent = socket.create_server(("127.0.0.1", 0))       # accepts, never answers the ClientHello
    t0 = time.monotonic()
    try:
        await asyncio.wait_for(loop.create_connection(asyncio.Protocol, *silent.getsockname(),
            ssl=ssl.create_default_context(), server_hostname="localhost", ssl_handshake_timeout=0.2), 3)
    except Exception as e:
        print(f"client, ssl_handshake_timeout=0.2: {type(e).__name__} after {time.monotonic() - t0:.1f}s")
    silent.close()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain("cert.pem", "key.pem")
    srv = await loop.create_server(asyncio.Protocol, "127.0.0.1", 0, ssl=ctx, ssl_handshake_timeout=0.2)
    c = socket.create_connection(srv.sockets[0].getsockname()); c.settimeout(3)   # says nothing
    t0 = time.monotonic()
    def wait():
        try: c.recv(1)
        except OSError: pass
    th = threading.Thread(target=wait); th.start()
    while th.is_alive(): await asyncio.sleep(0.05)
    print(f"server, ssl_handshake_timeout=0.2: silent client dropped after {time.monotonic() - t0:.1f}s (3.0 = the client's own timeout)")
    c.close(); srv.close()
asyncio.run(main(), loop_factory=factory)
