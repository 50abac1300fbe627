import rloop

loop = rloop.new_event_loop()
calls = []
loop.set_exception_handler(lambda loop, context: calls.append(context['message']))
loop.call_exception_handler({'message': 'direct call'})
loop.call_soon(lambda: 1 / 0); loop.call_soon(loop.stop); loop.run_forever()
print('handler(loop, context) calls:', calls)
loop.set_exception_handler(42)
print('set_exception_handler(42) accepted, get_exception_handler() ->', loop.get_exception_handler())
loop.close()
