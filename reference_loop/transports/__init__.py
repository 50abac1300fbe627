"""Transports of the reference loop.

Every kind of transport lives in its own module so a loop author can read one
kind at a time; this package only gathers them. The shared rules (extra info,
closing, protocol switching, write flow control) are written once, in
``base`` and ``flow_control``, because the docs state them once for all kinds.
"""

from .base import TransportState
from .datagram import DatagramSocketTransport
from .flow_control import WatermarkGate, WriteFlowControl
from .pipes import ReadPipeTransport, WritePipeTransport
from .socket_stream import SocketStreamTransport
from .subprocess import ProcessTransport
from .tls import TLSLayer, TLSTransport

__all__ = [
    "DatagramSocketTransport",
    "ProcessTransport",
    "ReadPipeTransport",
    "SocketStreamTransport",
    "TLSLayer",
    "TLSTransport",
    "TransportState",
    "WatermarkGate",
    "WriteFlowControl",
    "WritePipeTransport",
]
