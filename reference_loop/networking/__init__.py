"""The loop's networking methods, one small mixin per concern.

=================  ===========================================================
``connections``    create_connection, create_unix_connection,
                   connect_accepted_socket, start_tls
``servers``        create_server, create_unix_server
``datagrams``      create_datagram_endpoint
``pipes``          connect_read_pipe, connect_write_pipe
``subprocesses``   subprocess_exec, subprocess_shell
``sendfile``       sendfile
``common``         argument checks and address resolution they share
=================  ===========================================================

Every mixin is written against the loop's public methods only: add_reader and
add_writer, call_soon and call_later, futures and tasks, sock_connect,
getaddrinfo, and a child watcher. That proves connections, servers, TLS,
datagrams, pipes, sendfile and subprocesses need nothing more from a loop; a
loop author can lift any of these mixins onto their own core, and a reader can
check each method against the docs without reading the scheduler. The
transports the mixins create live in ``reference_loop.transports``.

The mixins are assembled with the core in ``reference_loop.loop``; they must
come before the core class in the MRO so that their methods replace the core's
``NotImplementedError`` stubs.

Each method's docstring names the spec clauses (the ``api``/``clause`` ids of
``specs/*.yaml``) it satisfies.
"""

from __future__ import annotations

from .connections import ConnectionMixin
from .datagrams import DatagramMixin
from .pipes import PipeMixin
from .sendfile import SendfileMixin
from .servers import ServerMixin
from .subprocesses import SubprocessMixin

__all__ = [
    "ConnectionMixin",
    "DatagramMixin",
    "PipeMixin",
    "SendfileMixin",
    "ServerMixin",
    "SubprocessMixin",
]
