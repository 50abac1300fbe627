"""The stream transport's write queue: what is sent, in what order, and when.

``SocketStreamTransport.write()`` sends at once when nothing is queued and
otherwise queues immutable chunks that writable events hand to ``sendmsg()``.
These tests pin what that must never change: every byte arrives once and in
order, a caller may reuse a mutable buffer as soon as write() returns, and the
buffer size counts bytes, whatever the shape of the bytes-like objects. The
``socket_pair`` fixture closes each transport and peer after the test.
"""

from __future__ import annotations

import array
import asyncio

from reference_loop.transports import socket_stream

from .support import Recorder, fill, run


def _collect(loop, peer, expected):
    return run(loop, loop.run_in_executor(None, _drain_exactly, peer, expected))


def _drain_exactly(peer, expected):
    got = bytearray()
    while len(got) < expected:
        data = peer.recv(1 << 20)
        if not data:
            break
        got += data
    return bytes(got)


def test_many_small_writes_arrive_in_order(loop, socket_pair):
    proto = Recorder(loop)
    transport, peer = socket_pair(proto)
    transport.set_write_buffer_limits(high=1 << 30)
    head = fill(transport)
    pieces = [b"%06d," % i for i in range(3 * socket_stream._MAX_CHUNKS_PER_SEND)]
    for piece in pieces:
        transport.write(piece)
    assert transport.get_write_buffer_size() >= sum(map(len, pieces))
    got = _collect(loop, peer, head + sum(map(len, pieces)))
    assert got[:head] == b"x" * head
    assert got[head:] == b"".join(pieces)


def test_mutable_data_may_be_reused_after_write(loop, socket_pair):
    proto = Recorder(loop)
    transport, peer = socket_pair(proto)
    head = fill(transport)  # so the next writes are queued, not sent
    reused = bytearray(b"first")
    transport.write(reused)
    reused[:] = b"XXXXX"
    view_source = bytearray(b"second")
    transport.write(memoryview(view_source))
    view_source[:] = b"YYYYYY"
    got = _collect(loop, peer, head + 11)
    assert got[head:] == b"firstsecond"


def test_sizes_count_bytes_not_items(loop, socket_pair):
    proto = Recorder(loop)
    transport, peer = socket_pair(proto)
    head = fill(transport)
    before = transport.get_write_buffer_size()
    words = array.array("i", range(10))
    view = memoryview(words)  # 10 items of 4 bytes: len() is 10, nbytes 40
    transport.write(view)
    transport.write(view)
    assert transport.get_write_buffer_size() == before + 2 * view.nbytes
    got = _collect(loop, peer, head + 2 * view.nbytes)
    assert got[head:] == words.tobytes() * 2


def test_partly_sent_write_keeps_its_tail(loop, socket_pair):
    proto = Recorder(loop)
    transport, peer = socket_pair(proto)
    big = bytes(range(256)) * 4096  # 1 MiB, more than the socket takes at once
    transport.write(big)
    assert 0 < transport.get_write_buffer_size() < len(big)

    async def until_flushed():
        got = await loop.run_in_executor(None, _drain_exactly, peer, len(big))
        while transport.get_write_buffer_size():
            await asyncio.sleep(0.005)
        return got

    assert run(loop, until_flushed()) == big
    assert transport.get_write_buffer_size() == 0


def test_partly_sent_mutable_write_is_copied(loop, socket_pair):
    proto = Recorder(loop)
    transport, peer = socket_pair(proto)
    big = bytearray(bytes(range(256)) * 4096)
    expected = bytes(big)
    transport.write(big)
    assert 0 < transport.get_write_buffer_size() < len(big)
    big[:] = b"\0" * len(big)
    assert _collect(loop, peer, len(expected)) == expected
