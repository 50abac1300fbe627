import socket

import rloop

loop = rloop.new_event_loop()
a, b = socket.socketpair()
try:
    loop.add_reader(a, print)
except TypeError as e:
    print('add_reader(socket object):', e)
loop.close()
