import faulthandler; faulthandler.enable()
import blazio

loop = blazio.new_event_loop()
h = {}
def cb():
    h["me"].cancel()
    print("timer cb ran", flush=True)
h["me"] = loop.call_later(0, cb)
loop.call_later(0.01, loop.stop); loop.run_forever()
print("run 1 returned", flush=True)
loop.call_soon(print, "second callback"); loop.call_soon(loop.stop); loop.run_forever()
print("run 2 returned", flush=True)
