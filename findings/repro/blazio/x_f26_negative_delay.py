import asyncio

import blazio

for name, new in (("blazio", blazio.new_event_loop), ("stdlib", asyncio.new_event_loop)):
    loop = new()
    t = loop.time()
    h1 = loop.call_later(-1.5, print); h2 = loop.call_at(t - 1.5, print)
    print(f"{name}: call_later(-1.5).when()-time() = {h1.when()-t:+.6f}   call_at(time()-1.5).when()-time() = {h2.when()-t:+.6f}")
    h1.cancel(); h2.cancel(); loop.close()
