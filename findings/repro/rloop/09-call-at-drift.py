import rloop

loop = rloop.new_event_loop()
for when in (loop.time() + 0.5, float(int(loop.time()) + 2)):
    h = loop.call_at(when, print)
    print(f'call_at({when!r}).when() = {h.when()!r}')
    h.cancel()
loop.close()
