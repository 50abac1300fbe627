import rloop


async def main(): raise SystemExit(3)
loop = rloop.new_event_loop()
try:
    loop.run_until_complete(main())
except SystemExit as e:
    print('SystemExit reached the caller:', e.code)
