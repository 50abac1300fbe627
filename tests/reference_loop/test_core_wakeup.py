"""The self-pipe, signal handlers and the child watcher of the reference loop.

No test here asserts on elapsed time. Where a broken loop would wait forever,
a far-away safety timer stops it and the test fails with a message instead.
"""

from __future__ import annotations

import asyncio
import os
import selectors
import signal
import socket
import sys
import threading

import pytest

import reference_loop
from reference_loop.child_watcher import watch_child

SAFETY_SECONDS = 30.0


def run_with_safety_net(loop) -> list[str]:
    """run_forever(), stopped by a far timer if nothing else stops it."""
    timed_out: list[str] = []
    safety = loop.call_later(SAFETY_SECONDS, lambda: (timed_out.append("timeout"), loop.stop()))
    loop.run_forever()
    safety.cancel()
    return timed_out


# -- the self-pipe ----------------------------------------------------------------


def test_call_soon_threadsafe_wakes_a_blocked_poll(loop, selector):
    entered = threading.Event()
    woke: list[str] = []

    def other_thread() -> None:
        entered.wait()
        loop.call_soon_threadsafe(lambda: (woke.append("woke"), loop.stop()))

    thread = threading.Thread(target=other_thread)
    thread.start()
    # Once the loop is running with nothing to do, let the thread go; the
    # only timer left then is the far safety one, so the poll blocks.
    loop.call_soon(entered.set)
    timed_out = run_with_safety_net(loop)
    thread.join()
    assert not timed_out, "call_soon_threadsafe() did not wake the poll"
    assert woke == ["woke"]
    assert any(t is not None and t > 1 for t in selector.timeouts), selector.timeouts


def test_a_flood_of_threadsafe_calls_is_not_lost(loop):
    count = 100_000  # far more wake-up bytes than a socket buffer holds
    seen: list[int] = []

    def other_thread() -> None:
        for i in range(count):
            loop.call_soon_threadsafe(seen.append, i)
        loop.call_soon_threadsafe(loop.stop)

    thread = threading.Thread(target=other_thread)
    loop.call_soon(thread.start)
    timed_out = run_with_safety_net(loop)
    thread.join()
    assert not timed_out
    assert seen == list(range(count))


def test_wake_after_close_is_harmless():
    loop = reference_loop.new_event_loop()
    loop.close()
    loop._wake()  # the self-pipe is gone; this must not raise
    with pytest.raises(RuntimeError):
        loop.call_soon_threadsafe(print)


def test_close_releases_the_self_pipe_and_selector(selector):
    loop = reference_loop.ReferenceEventLoop(selector)
    pipe = loop._wake_recv
    loop.close()
    assert pipe.fileno() == -1
    assert loop._selector is None


# -- readers and writers -------------------------------------------------------------


def test_reader_callback_gets_its_args_and_replacing_cancels_the_first(loop):
    a, b = socket.socketpair()
    try:
        calls: list[tuple] = []
        loop.add_reader(a, calls.append, ("first",))
        loop.add_reader(a, lambda *args: (calls.append(args), loop.stop()), "second", 2)
        b.send(b"x")
        assert not run_with_safety_net(loop)
        assert calls == [("second", 2)]
        assert loop.remove_reader(a) is True
        assert loop.remove_reader(a) is False
    finally:
        a.close()
        b.close()


def test_regular_file_error_surfaces(loop, tmp_path):
    if not isinstance(loop._selector, getattr(selectors, "EpollSelector", ())):
        pytest.skip("only epoll refuses regular files")
    with open(tmp_path / "f", "wb") as f:
        with pytest.raises(PermissionError):
            loop.add_reader(f.fileno(), print)
        fd = f.fileno()
        assert loop.remove_reader(fd) is False


# -- signals ------------------------------------------------------------------------

needs_signals = pytest.mark.skipif(sys.platform == "win32", reason="Unix signals")


@needs_signals
def test_signal_handler_runs_in_the_loop_with_its_args(loop):
    calls: list[tuple] = []

    def handler(*args):
        calls.append((args, threading.get_ident(), asyncio.get_running_loop() is loop))
        loop.stop()

    loop.add_signal_handler(signal.SIGUSR1, handler, "a", 1)
    try:
        loop.call_soon(os.kill, os.getpid(), signal.SIGUSR1)
        assert not run_with_safety_net(loop)
        assert calls == [(("a", 1), threading.get_ident(), True)]
    finally:
        assert loop.remove_signal_handler(signal.SIGUSR1) is True
    assert loop.remove_signal_handler(signal.SIGUSR1) is False
    assert signal.getsignal(signal.SIGUSR1) == signal.SIG_DFL


@needs_signals
def test_signal_argument_errors(loop):
    with pytest.raises(ValueError):
        loop.add_signal_handler(0, print)
    with pytest.raises(ValueError):
        loop.add_signal_handler(10_000, print)
    with pytest.raises(TypeError):
        loop.add_signal_handler("SIGINT", print)
    # The docs say ValueError for an uncatchable signal, CPython raises
    # RuntimeError: the reference loop's error is both.
    for uncatchable in (signal.SIGKILL, signal.SIGSTOP):
        with pytest.raises(ValueError) as info:
            loop.add_signal_handler(uncatchable, print)
        assert isinstance(info.value, RuntimeError)
    assert signal.getsignal(signal.SIGKILL) == signal.SIG_DFL


@needs_signals
def test_signal_handlers_only_from_the_main_thread(loop):
    errors: list[BaseException] = []

    def other_thread() -> None:
        try:
            loop.add_signal_handler(signal.SIGUSR2, print)
        except BaseException as exc:  # noqa: BLE001 - recorded for the assertion
            errors.append(exc)

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert len(errors) == 1 and isinstance(errors[0], RuntimeError)
    assert signal.getsignal(signal.SIGUSR2) == signal.SIG_DFL


@needs_signals
def test_close_removes_signal_handlers():
    loop = reference_loop.new_event_loop()
    loop.add_signal_handler(signal.SIGUSR2, print)
    loop.close()
    assert signal.getsignal(signal.SIGUSR2) == signal.SIG_DFL
    assert signal.set_wakeup_fd(-1) == -1  # nothing left pointing at the closed pipe


# -- the child watcher ------------------------------------------------------------------

needs_spawn = pytest.mark.skipif(not hasattr(os, "posix_spawn"), reason="os.posix_spawn")


def spawn(code: str) -> int:
    return os.posix_spawn(sys.executable, [sys.executable, "-c", code], os.environ)


@needs_spawn
@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("raise SystemExit(3)", 3),
        ("pass", 0),
        ("import os, signal; os.kill(os.getpid(), signal.SIGTERM)", -signal.SIGTERM),
    ],
    ids=["exit-3", "exit-0", "killed-by-sigterm"],
)
def test_watch_child_reports_the_returncode_in_the_loop(loop, code, expected):
    results: list[tuple] = []

    def on_exit(pid: int, returncode: int) -> None:
        results.append((pid, returncode, asyncio.get_running_loop() is loop))
        loop.stop()

    pid = spawn(code)
    watch_child(loop, pid, on_exit)
    assert not run_with_safety_net(loop), "the child's exit was never reported"
    assert results == [(pid, expected, True)]
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped by the watcher


@needs_spawn
def test_cancelled_watch_does_not_call_back(loop):
    pid = spawn("pass")
    calls: list[tuple] = []
    watch = watch_child(loop, pid, lambda *args: calls.append(args))
    watch.cancel()
    os.waitpid(pid, 0)
    loop.call_soon(loop.stop)
    loop.run_forever()
    assert calls == []
