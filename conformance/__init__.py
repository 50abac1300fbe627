"""asyncio-conformance: the executable specification of the asyncio event loop."""

__version__ = "0.1.0"
