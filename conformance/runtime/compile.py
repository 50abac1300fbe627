"""Turning a case's ``code`` into a function whose tracebacks point at the spec.

The code is wrapped in ``async def __case__():`` (or ``def`` in sync mode) and
padded with blank lines so that line N of the compiled source is line N of the
spec file: a traceback from a failing case names the YAML line to read.
"""

from __future__ import annotations

import textwrap
from types import CodeType

CASE_FUNCTION = "__case__"


def case_source(code: str, mode: str, first_line: int) -> str:
    """The module source defining ``__case__``, aligned to ``first_line``."""
    header = "async def" if mode == "async" else "def"
    body = textwrap.indent(textwrap.dedent(code), "    ")
    if not body.strip():
        body = "    pass\n"
    padding = "\n" * max(first_line - 2, 0)
    return f"{padding}{header} {CASE_FUNCTION}():\n{body}"


def compile_case(code: str, mode: str, first_line: int, filename: str) -> CodeType:
    """Compile a case; SyntaxError carries the spec file's own line numbers."""
    return compile(case_source(code, mode, first_line), filename, "exec", dont_inherit=True)
