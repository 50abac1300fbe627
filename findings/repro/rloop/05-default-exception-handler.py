import rloop

loop = rloop.new_event_loop()
try:
    loop.default_exception_handler({'message': 'deferred to the default handler'})
except NotImplementedError:
    print('default_exception_handler() raised NotImplementedError')
loop.close()
