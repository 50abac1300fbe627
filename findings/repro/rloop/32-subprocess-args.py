import asyncio
import sys

import rloop


async def main():
    loop = asyncio.get_running_loop()
    tries = {
        'subprocess_exec(..., shell=True)': lambda: loop.subprocess_exec(asyncio.SubprocessProtocol, sys.executable, '-c', 'pass', shell=True),
        'subprocess_exec(..., text=True)': lambda: loop.subprocess_exec(asyncio.SubprocessProtocol, sys.executable, '-c', 'pass', text=True),
        'subprocess_shell([list])': lambda: loop.subprocess_shell(asyncio.SubprocessProtocol, ['true']),
    }
    for name, call in tries.items():
        try:
            tr, _ = await call(); print(name, '-> accepted'); tr.close()
        except Exception as e:
            print(name, '->', type(e).__name__ + ':', str(e).splitlines()[0])
loop = rloop.new_event_loop(); loop.run_until_complete(main()); loop.close()
