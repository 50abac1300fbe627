import rloop

loop = rloop.new_event_loop()
async def main():
    try:
        loop.run_forever()
    except Exception as e:
        print('nested run_forever():', type(e).__name__, e)
loop.run_until_complete(main())
loop.close()
try:
    loop.run_forever()
except Exception as e:
    print('run_forever() on a closed loop:', type(e).__name__, e)
