import asyncio
import socket
import ssl
import sys
import threading

import blazio

srv_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); srv_ctx.load_cert_chain("cert.pem", "key.pem"); srv_ctx.num_tickets = 0
cli_ctx = ssl.create_default_context(cafile="cert.pem")
class P(asyncio.Protocol):
    paused = False
    def connection_made(self, tr): self.lost = asyncio.get_running_loop().create_future()
    def pause_writing(self): self.paused = True
    def connection_lost(self, exc): self.lost.set_result(None)
async def main():
    loop = asyncio.get_running_loop()
    lsock = socket.create_server(("127.0.0.1", 0))
    def server():
        s = srv_ctx.wrap_socket(lsock.accept()[0], server_side=True)
        try:
            while s.recv(65536): pass
        except OSError: pass
        s.close()
    th = threading.Thread(target=server); th.start()
    tr, pr = await loop.create_connection(P, *lsock.getsockname(), ssl=cli_ctx, server_hostname="localhost")
    tr.set_write_buffer_limits(high=0)
    print("high=0, nothing written: pause_writing() already called:", pr.paused)
    tr.close(); await pr.lost
    print("is_reading() after close()/connection_lost:", tr.is_reading())
    th.join(5); lsock.close()
factory = asyncio.new_event_loop if sys.argv[1:] == ["stdlib"] else blazio.new_event_loop
asyncio.run(main(), loop_factory=factory)
