import asyncio
import socket
import ssl
import sys
import threading

import blazio

srv_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); srv_ctx.load_cert_chain("cert.pem", "key.pem"); srv_ctx.num_tickets = 0
cli_ctx = ssl.create_default_context(cafile="cert.pem")
DELAY = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0

async def main():
    loop = asyncio.get_running_loop()
    lsock = socket.create_server(("127.0.0.1", 0))
    result = {}
    def server():
        raw, _ = lsock.accept()
        try:
            s = srv_ctx.wrap_socket(raw, server_side=True)   # server side of the handshake
            result["handshake"] = "ok"
            s.close()
        except OSError as e:
            result["handshake"] = f"{type(e).__name__}: {e}"
            raw.close()
    t = threading.Thread(target=server); t.start()
    tr, pr = await loop.create_connection(asyncio.Protocol, *lsock.getsockname(),
                                          ssl=cli_ctx, server_hostname="localhost")
    if DELAY:
        await asyncio.sleep(DELAY)
    tr.abort()                       # right after create_connection() returned
    await asyncio.sleep(0.1)
    t.join(5); lsock.close()
    print(f"sleep before abort={DELAY}: server-side handshake:", result.get("handshake"))

factory = asyncio.new_event_loop if sys.argv[1] == "stdlib" else blazio.new_event_loop
asyncio.run(main(), loop_factory=factory)
