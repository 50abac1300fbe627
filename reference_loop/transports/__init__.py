"""Transports of the reference loop.

Every kind of transport lives in its own module so a loop author can read one
kind at a time; this package only gathers them. What the kinds share is
written once, because the docs state it once for all kinds:

============== ===============================================================
``base``       the lifecycle: extra info, closing, connection_lost, errors,
               cleanup and the unclosed-transport warning
``reading``    when an fd is watched for reading, and pause/resume_reading
``flow_control`` the write-buffer watermarks
``writing``    which data write() accepts, and writelines()
============== ===============================================================
"""

from .base import Abortable, TransportLifecycle
from .datagram import DatagramSocketTransport
from .flow_control import WatermarkGate, WriteFlowControl
from .pipes import ReadPipeTransport, WritePipeTransport
from .socket_stream import SocketStreamTransport
from .subprocess import ProcessTransport
from .tls import TLSLayer, TLSTransport

__all__ = [
    "Abortable",
    "DatagramSocketTransport",
    "ProcessTransport",
    "ReadPipeTransport",
    "SocketStreamTransport",
    "TLSLayer",
    "TLSTransport",
    "TransportLifecycle",
    "WatermarkGate",
    "WriteFlowControl",
    "WritePipeTransport",
]
