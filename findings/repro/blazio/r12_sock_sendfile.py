import asyncio
import io
import socket
import ssl
import sys
import tempfile
import threading

import blazio

factory = asyncio.new_event_loop if sys.argv[1:] == ["stdlib"] else blazio.new_event_loop
async def main():
    loop = asyncio.get_running_loop()
    a, b = socket.socketpair(); a.setblocking(False)
    f = tempfile.TemporaryFile(); f.write(b"x" * 5000); f.flush(); f.seek(0)
    n = await loop.sock_sendfile(a, f, 1000, 2000)
    print(f"sock_sendfile(offset=1000, count=2000): sent {n}, file.tell() = {f.tell()}")
    for fallback in (True, False):
        try:
            print(f"sock_sendfile(BytesIO, fallback={fallback}):", await loop.sock_sendfile(a, io.BytesIO(b"data"), fallback=fallback))
        except Exception as e:
            print(f"sock_sendfile(BytesIO, fallback={fallback}): {type(e).__name__}: {e}")
    a.close(); b.close()
    # an ssl.SSLSocket (cert.pem/key.pem: a self-signed localhost cert)
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); sctx.load_cert_chain("cert.pem", "key.pem"); sctx.num_tickets = 0
    lsock = socket.create_server(("127.0.0.1", 0)); seen = []
    def server():
        s = sctx.wrap_socket(lsock.accept()[0], server_side=True)
        try: seen.append(s.recv(100))
        except OSError as e: seen.append(f"{type(e).__name__}: {e}")
        s.close()
    th = threading.Thread(target=server); th.start()
    client = ssl.create_default_context(cafile="cert.pem").wrap_socket(
        socket.create_connection(lsock.getsockname()), server_hostname="localhost")
    client.setblocking(False)
    f.seek(0)
    try: print("sock_sendfile(SSLSocket, file):", await loop.sock_sendfile(client, f))
    except Exception as e: print(f"sock_sendfile(SSLSocket, file): {type(e).__name__}: {e}")
    client.close(); th.join(5); lsock.close(); f.close()
    print("the TLS peer read:", seen)
asyncio.run(main(), loop_factory=factory)
