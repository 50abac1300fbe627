"""Run the same workloads on the reference loop and the stdlib loop, side by side.

Both loops run in this one process, interleaved round by round (so that CPU
frequency changes and background noise hit both alike), and the best time of
all rounds is kept for each. The ratio reference/stdlib below 1.0 means the
reference loop was faster.

    python benchmarks/loop_bench.py [--rounds 7] [--scale 1.0] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import socket
import sys
import time
from typing import Callable

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import reference_loop  # noqa: E402

LoopFactory = Callable[[], asyncio.AbstractEventLoop]


class Skip(Exception):
    """A workload that this loop cannot run."""


# -- workloads: each takes a fresh loop and a scale, returns seconds ----------


def call_soon_chain(loop: asyncio.AbstractEventLoop, scale: float) -> float:
    """One callback schedules the next, N times: the ready queue and handle running."""
    count = int(200_000 * scale)
    remaining = [count]

    def step() -> None:
        remaining[0] -= 1
        if remaining[0]:
            loop.call_soon(step)
        else:
            loop.stop()

    loop.call_soon(step)
    started = time.perf_counter()
    loop.run_forever()
    return time.perf_counter() - started


def many_timers(loop: asyncio.AbstractEventLoop, scale: float) -> float:
    """N timers in random order, a third cancelled: the timer heap."""
    count = int(100_000 * scale)
    rng = random.Random(42)
    fired = [0]

    def fire() -> None:
        fired[0] += 1

    started = time.perf_counter()
    base = loop.time()
    handles = [loop.call_at(base + rng.random() * 0.01, fire) for _ in range(count)]
    for handle in handles[::3]:
        handle.cancel()
    loop.call_at(base + 0.011, loop.stop)
    loop.run_forever()
    elapsed = time.perf_counter() - started
    assert fired[0] == count - len(handles[::3]), fired[0]
    return elapsed


def task_switching(loop: asyncio.AbstractEventLoop, scale: float) -> float:
    """100 tasks each awaiting asyncio.sleep(0) many times: Task steps through call_soon."""
    switches = int(2_000 * scale)

    async def worker() -> None:
        for _ in range(switches):
            await asyncio.sleep(0)

    async def main() -> None:
        await asyncio.gather(*(worker() for _ in range(100)))

    started = time.perf_counter()
    loop.run_until_complete(main())
    return time.perf_counter() - started


class _EchoServer(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.transport.write(data)  # type: ignore[attr-defined]


class _EchoClient(asyncio.Protocol):
    def __init__(self, expected: int, done: asyncio.Future[None]) -> None:
        self.expected = expected
        self.received = 0
        self.done = done

    def data_received(self, data: bytes) -> None:
        self.received += len(data)
        if self.received >= self.expected and not self.done.done():
            self.done.set_result(None)


def tcp_echo(loop: asyncio.AbstractEventLoop, scale: float) -> float:
    """Protocols over TCP: a client streams 100 MB (x scale) through an echo server."""
    if not hasattr(loop, "create_server") or type(loop).create_server is getattr(
        asyncio.AbstractEventLoop, "create_server", None
    ):
        raise Skip("loop has no create_server() yet (reference_loop/networking/servers.py)")
    chunk = b"x" * 16384
    chunks = int(6400 * scale)

    async def main() -> float:
        server = await loop.create_server(_EchoServer, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        done = loop.create_future()
        transport, _ = await loop.create_connection(
            lambda: _EchoClient(len(chunk) * chunks, done), "127.0.0.1", port
        )
        started = time.perf_counter()
        for _ in range(chunks):
            transport.write(chunk)
            if transport.get_write_buffer_size() > 1 << 20:
                await asyncio.sleep(0)
        await done
        elapsed = time.perf_counter() - started
        transport.close()
        server.close()
        await server.wait_closed()
        return elapsed

    return loop.run_until_complete(main())


def sock_ping_pong(loop: asyncio.AbstractEventLoop, scale: float) -> float:
    """Two tasks bounce 64 bytes over a socket pair with sock_sendall/sock_recv."""
    rounds = int(20_000 * scale)
    left, right = socket.socketpair()
    left.setblocking(False)
    right.setblocking(False)
    message = b"p" * 64

    async def ping() -> None:
        for _ in range(rounds):
            await loop.sock_sendall(left, message)
            got = 0
            while got < len(message):
                got += len(await loop.sock_recv(left, 4096))

    async def pong() -> None:
        for _ in range(rounds):
            got = 0
            while got < len(message):
                got += len(await loop.sock_recv(right, 4096))
            await loop.sock_sendall(right, message)

    async def main() -> None:
        await asyncio.gather(ping(), pong())

    try:
        started = time.perf_counter()
        loop.run_until_complete(main())
        return time.perf_counter() - started
    finally:
        left.close()
        right.close()


WORKLOADS = {
    "call_soon_chain": call_soon_chain,
    "many_timers": many_timers,
    "task_switching": task_switching,
    "tcp_echo": tcp_echo,
    "sock_ping_pong": sock_ping_pong,
}


def _stdlib_loop() -> asyncio.AbstractEventLoop:
    return asyncio.SelectorEventLoop()


LOOPS: dict[str, LoopFactory] = {
    "stdlib": _stdlib_loop,
    "reference": reference_loop.new_event_loop,
}


def run_once(factory: LoopFactory, workload: Callable[..., float], scale: float) -> float:
    loop = factory()
    try:
        gc.collect()
        return workload(loop, scale)
    finally:
        loop.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--only", nargs="*", choices=sorted(WORKLOADS))
    parser.add_argument("--profile", choices=sorted(LOOPS), help="cProfile one round and print it")
    args = parser.parse_args(argv)
    names = args.only or list(WORKLOADS)

    if args.profile:
        import cProfile
        import pstats

        for name in names:
            profiler = cProfile.Profile()
            profiler.enable()
            try:
                run_once(LOOPS[args.profile], WORKLOADS[name], args.scale)
            except Skip as skip:
                print(f"{name}: skipped: {skip}")
                continue
            finally:
                profiler.disable()
            print(f"== {name} on {args.profile}")
            pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
        return 0

    best: dict[tuple[str, str], float] = {}
    skipped: dict[str, str] = {}
    for round_number in range(args.rounds):
        order = list(LOOPS) if round_number % 2 == 0 else list(reversed(LOOPS))
        for name in names:
            if name in skipped:
                continue
            for loop_name in order:
                try:
                    seconds = run_once(LOOPS[loop_name], WORKLOADS[name], args.scale)
                except Skip as skip:
                    skipped[name] = f"{loop_name}: {skip}"
                    break
                key = (name, loop_name)
                best[key] = min(seconds, best.get(key, float("inf")))

    print(f"Python {sys.version.split()[0]}, best of {args.rounds} rounds, scale {args.scale}")
    print(f"{'workload':<18}{'stdlib s':>11}{'reference s':>13}{'ratio':>8}")
    for name in names:
        if name in skipped:
            print(f"{name:<18}  skipped ({skipped[name]})")
            continue
        stdlib, reference = best[(name, "stdlib")], best[(name, "reference")]
        print(f"{name:<18}{stdlib:>11.4f}{reference:>13.4f}{reference / stdlib:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
