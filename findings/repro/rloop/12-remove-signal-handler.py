import signal

import rloop

loop = rloop.new_event_loop()
loop.add_signal_handler(signal.SIGUSR1, print, 'usr1')
try:
    loop.remove_signal_handler(signal.SIGUSR1)
except AttributeError as e:
    print('remove_signal_handler():', type(e).__name__, e)
try:
    loop.add_signal_handler(signal.SIGKILL, print)
except Exception as e:
    print('add_signal_handler(SIGKILL):', type(e).__name__, e)
