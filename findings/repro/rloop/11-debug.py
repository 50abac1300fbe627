import os
import subprocess
import sys

import rloop

loop = rloop.new_event_loop()
loop.set_debug(True)
print('set_debug(True); get_debug() ->', loop.get_debug())
print('has slow_callback_duration:', hasattr(loop, 'slow_callback_duration'))
loop.close()
code = 'import rloop; print(rloop.new_event_loop().get_debug())'
out = subprocess.run([sys.executable, '-c', code], env=dict(os.environ, PYTHONASYNCIODEBUG='1'),
                     capture_output=True, text=True).stdout.strip()
print('PYTHONASYNCIODEBUG=1 -> get_debug():', out)
