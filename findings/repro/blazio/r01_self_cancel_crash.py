import blazio

loop = blazio.new_event_loop()
h = {}
def cb():
    h["me"].cancel()          # cancel the handle whose callback is running right now
    print("callback ran", flush=True)
h["me"] = loop.call_soon(cb)  # same with loop.call_later(0, cb)
loop.call_soon(loop.stop); loop.run_forever()
print("run_forever returned", flush=True)
loop.call_soon(print, "next callback")   # the next scheduling call crashes
loop.call_soon(loop.stop); loop.run_forever()
print("second run returned")
