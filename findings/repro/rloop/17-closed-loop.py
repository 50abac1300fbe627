import rloop

loop = rloop.new_event_loop(); loop.close()
for name, call in [('call_soon', lambda: loop.call_soon(print)), ('call_later', lambda: loop.call_later(1, print)),
                   ('call_at', lambda: loop.call_at(1, print)), ('call_soon_threadsafe', lambda: loop.call_soon_threadsafe(print)),
                   ('add_reader', lambda: loop.add_reader(0, print)), ('add_writer', lambda: loop.add_writer(1, print))]:
    try:
        call(); print(f'{name}() on a closed loop: accepted')
    except RuntimeError:
        print(f'{name}() on a closed loop: RuntimeError')
