import asyncio
import concurrent.futures
import signal
import socket
import sys

import blazio

factory = asyncio.new_event_loop if sys.argv[1:] == ["stdlib"] else blazio.new_event_loop
loop = factory()
def show(label, fn):
    try:
        r = fn()
        if asyncio.iscoroutine(r): r = loop.run_until_complete(r)
        print(f"{label}: accepted ({str(r)[:40]})")
    except Exception as e:
        print(f"{label}: {type(e).__name__}: {str(e)[:70]}")
def cb(*a, **k): pass
show("call_soon(cb, 'x', flag=True)", lambda: loop.call_soon(cb, "x", flag=True))
show("set_default_executor(ProcessPoolExecutor())", lambda: loop.set_default_executor(concurrent.futures.ProcessPoolExecutor(1)))
if isinstance(loop, blazio.EventLoop): loop._default_executor = None
show("set_exception_handler(42)", lambda: loop.set_exception_handler(42)); loop.set_exception_handler(None)
show("set_task_factory(42)", lambda: loop.set_task_factory(42)); loop.set_task_factory(None)
loop.set_task_factory(lambda lp, coro, **kw: asyncio.Task(coro, loop=lp, **kw))
async def nop(): pass
print("create_task(name='given') with a task factory -> name:", loop.create_task(nop(), name="given").get_name())
loop.set_task_factory(None)
show("remove_signal_handler(0)", lambda: loop.remove_signal_handler(0))
show("add_signal_handler(SIGKILL, ...)", lambda: loop.add_signal_handler(signal.SIGKILL, print))
async def server_sock_and_host():
    s = socket.socket(); s.bind(("127.0.0.1", 0))
    srv = await loop.create_server(asyncio.Protocol, "127.0.0.1", 0, sock=s); srv.close(); return srv
show("create_server('127.0.0.1', 0, sock=sock)", server_sock_and_host)
async def server_timeout_no_ssl():
    srv = await loop.create_server(asyncio.Protocol, "127.0.0.1", 0, ssl_handshake_timeout=1.0); srv.close(); return srv
show("create_server(ssl_handshake_timeout=1.0) without ssl", server_timeout_no_ssl)
async def serve_closed():
    srv = await loop.create_server(asyncio.Protocol, "127.0.0.1", 0); srv.close(); await srv.wait_closed()
    await asyncio.wait_for(srv.serve_forever(), 1)
show("serve_forever() on a closed server", serve_closed)
spare = socket.socket(); spare.bind(("127.0.0.1", 0))
show("create_connection(server_hostname=...) without ssl", lambda: loop.create_connection(asyncio.Protocol, *spare.getsockname(), server_hostname="localhost"))
async def conn_sock_and_host():
    l = socket.create_server(("127.0.0.1", 0)); s = socket.create_connection(l.getsockname()); s.setblocking(False)
    tr, _ = await loop.create_connection(asyncio.Protocol, "127.0.0.1", sock=s); tr.close(); l.close(); return tr
show("create_connection('127.0.0.1', sock=sock)", conn_sock_and_host)
async def after_shutdown():
    await loop.shutdown_default_executor()
    return await loop.run_in_executor(None, lambda: "ran")
show("run_in_executor() after shutdown_default_executor()", after_shutdown)
spare.close(); loop.close()
show("run_in_executor() on a closed loop", lambda: loop.run_in_executor(None, lambda: None))
