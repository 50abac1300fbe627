import asyncio
import socket

import rloop


async def main():
    srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen()
    class P(asyncio.Protocol):
        def connection_made(self, t): self.t = t
        def pause_writing(self): print('pause_writing, buffer size', self.t.get_write_buffer_size(), flush=True)
    tr, _ = await asyncio.get_running_loop().create_connection(P, *srv.getsockname())
    tr.set_write_buffer_limits(high=1024)
    tr.write(b'x' * 10_000_000)   # the peer does not read
    await asyncio.sleep(0.1)
    print('survived')

loop = rloop.new_event_loop(); loop.run_until_complete(main())
