import asyncio
import socket

import rloop


def show(name, f):
    try: print(f'{name}: {f()!r}')
    except BaseException as e: print(f'{name}: raised {type(e).__name__}: {e}')
async def main():
    loop = asyncio.get_running_loop()
    other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); other.bind(('127.0.0.1', 0)); other.settimeout(1)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); sock.bind(('127.0.0.1', 0)); sock.connect(other.getsockname())
    tr, pr = await loop.create_datagram_endpoint(asyncio.DatagramProtocol, sock=sock)
    show('connected sock=: sendto(data)', lambda: tr.sendto(b'via sock'))
    show('  peer got', lambda: other.recvfrom(100)[0])
    tr.close()
    stranger = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); stranger.bind(('127.0.0.1', 0)); stranger.settimeout(0.3)
    tr, pr = await loop.create_datagram_endpoint(asyncio.DatagramProtocol, remote_addr=other.getsockname())
    show('remote_addr endpoint: sendto(data, other addr)', lambda: tr.sendto(b'elsewhere', stranger.getsockname()))
    await asyncio.sleep(0.05)
    show('  stranger got', lambda: stranger.recvfrom(100)[0])
    show('  other got', lambda: other.recvfrom(100)[0])
    tr.close()
    if socket.has_ipv6:
        o6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); o6.bind(('::1', 0)); o6.settimeout(1)
        tr, pr = await loop.create_datagram_endpoint(asyncio.DatagramProtocol, local_addr=('::1', 0))
        show('ipv6 sendto(data, 4-tuple)', lambda: tr.sendto(b'v6', o6.getsockname()))
        show('  got', lambda: o6.recvfrom(100)[0])
        tr.close()
    # ICMP port unreachable on a connected endpoint
    dead = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); dead.bind(('127.0.0.1', 0)); addr = dead.getsockname(); dead.close()
    ev = []
    class P(asyncio.DatagramProtocol):
        def error_received(self, exc): ev.append(('error_received', type(exc).__name__))
        def connection_lost(self, exc): ev.append(('connection_lost', type(exc).__name__))
    tr, pr = await loop.create_datagram_endpoint(P, remote_addr=addr)
    tr.sendto(b'x'); await asyncio.sleep(0.1); tr.sendto(b'y'); await asyncio.sleep(0.1)
    print('ICMP refused on connected endpoint ->', ev, 'is_closing', tr.is_closing())
    tr.close(); await asyncio.sleep(0.05)
factory = rloop.new_event_loop
l = factory(); l.run_until_complete(main()); l.close()
