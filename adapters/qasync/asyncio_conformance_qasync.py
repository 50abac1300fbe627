"""asyncio-conformance adapter for qasync, a Qt event loop for asyncio.

Copy this file (and pyproject.toml's entry point) into your own repository to
run the conformance suite on your loop. Everything in the Adapter is text
("module:function"), because the harness rebuilds the loop from it in worker
processes and in standalone reproducers.

qasync's QEventLoop runs on a Qt application object, of which a process may
hold only one. So the worker's set-up hook creates it once, every case gets a
new QEventLoop on that same application, and the tear-down hook shuts it down.
"""

from __future__ import annotations

from conformance.adapters import Adapter, installed_adapter, installed_version

#: The application created by setup(), kept so that it is not garbage-collected.
_app = None


def _application():
    """The process's QApplication: the one setup() made, or a new one."""
    global _app
    # Import PySide6 before qasync: qasync uses the Qt binding that is already
    # imported (or QT_API), so this keeps it on the binding we depend on.
    from PySide6.QtWidgets import QApplication

    if _app is None:
        _app = QApplication.instance() or QApplication([])
    return _app


def setup() -> None:
    """Once per worker process, before the first loop: create the QApplication."""
    _application()


def teardown() -> None:
    """Once per worker process, after the last loop: quit and destroy the QApplication."""
    global _app
    if _app is not None:
        _app.quit()
        _app.shutdown()  # PySide6: destroys the C++ application object now
        _app = None


def new_event_loop():
    """The factory: a new, not yet running qasync.QEventLoop on the application."""
    app = _application()
    import qasync

    return qasync.QEventLoop(app)


def adapter() -> Adapter | None:
    """The entry point (group ``asyncio_conformance.adapters``). Imports nothing heavy."""
    qt_version = installed_version("PySide6-Essentials")
    if qt_version is None:
        return None  # without PySide6 the loop is unavailable
    return installed_adapter(
        "qasync",
        __file__,
        factory="asyncio_conformance_qasync:new_event_loop",
        description=f"qasync.QEventLoop on a PySide6 {qt_version} QApplication (offscreen)",
        setup="asyncio_conformance_qasync:setup",
        teardown="asyncio_conformance_qasync:teardown",
        # No display in CI: Qt's offscreen platform plugin needs none.
        environment=(("QT_QPA_PLATFORM", "offscreen"),),
    )
