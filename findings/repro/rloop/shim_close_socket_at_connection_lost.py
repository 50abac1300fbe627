# Run a repro script with a shim that emulates the missing piece of rloop's close():
# when connection_lost() reaches a protocol, shut the transport's socket down.
import asyncio
import os
import runpy
import socket
import sys

import conformance.runtime.protocols as P


def shut(tr):
    if tr is not None and type(tr).__module__.startswith('rloop'):
        try:
            fd = tr.get_extra_info('socket').fileno()
            s = socket.socket(fileno=os.dup(fd)); s.shutdown(socket.SHUT_RDWR); s.close()
        except Exception as e:
            print('shim:', e)
orig = P.ProtocolRegistry.record
def record(self, proto, kind, name, args):
    orig(self, proto, kind, name, args)
    if name == 'connection_lost':
        shut(proto.__dict__.get('transport'))
P.ProtocolRegistry.record = record
SRP = asyncio.streams.StreamReaderProtocol
orig_cm, orig_cl = SRP.connection_made, SRP.connection_lost
def cm(self, tr):
    self._shim_tr = tr; return orig_cm(self, tr)
def cl(self, exc):
    r = orig_cl(self, exc); shut(getattr(self, '_shim_tr', None)); return r
SRP.connection_made, SRP.connection_lost = cm, cl
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name='__main__')
