import asyncio

import rloop


async def main():
    srv = await asyncio.get_running_loop().create_server(asyncio.Protocol, '127.0.0.1', 0, start_serving=False)
    for i in range(3):
        try: await srv.start_serving(); print(f'start_serving() #{i+1}: ok')
        except Exception as e: print(f'start_serving() #{i+1}:', type(e).__name__, str(e).splitlines()[0])
    srv.close()
factory = rloop.new_event_loop
l = factory(); l.run_until_complete(main()); l.close()
