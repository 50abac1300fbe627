"""Linting spec code: names that do not exist and parameters no code uses.

A typo'd helper (``trase(...)``) compiles, passes the schema, and would then
fail the case on every loop with a NameError: a false alarm the user cannot
tell from a deviation. So ``validate-specs`` runs pyflakes over every case,
with the names the harness puts in scope as builtins, and reports what it
finds at the spec's own line and column. A parameter-table column that the
code never reads is reported too: it usually means the code tests something
other than what the table claims.
"""

from __future__ import annotations

import ast
import functools
from typing import Iterable

from pyflakes import checker, messages

from ..errors import Problem
from ..runtime.compile import case_source

#: How far compile.case_source() indents the code (the body of ``__case__``).
_BODY_INDENT = 4
#: The pyflakes messages that are errors in a spec case.
_ERRORS = (
    messages.UndefinedName,
    messages.UndefinedLocal,
    messages.UndefinedExport,
)


@functools.lru_cache(maxsize=1)
def scope_names() -> frozenset[str]:
    """Every name the harness gives case code (conformance/runtime/context.py)."""
    from ..runtime.context import CaseContext

    return frozenset(CaseContext(None).scope())


def lint_case(
    code: str,
    mode: str,
    first_line: int,
    file: str,
    param_names: Iterable[str],
    indent: int = 0,
) -> list[Problem]:
    """Problems in one case's code, located in the spec file.

    ``indent`` is how far the code block is indented in the file; the compiled
    source indents it by 4 (inside ``__case__``), so columns are shifted back.
    """
    source = case_source(code, mode, first_line)
    try:
        tree = ast.parse(source, filename=file)
    except SyntaxError:
        return []  # the compile check reports it
    params = set(param_names)
    found = checker.Checker(tree, filename=file, builtins=scope_names() | params)
    problems = [
        Problem(
            file,
            message.lineno,
            message.col + 1 - _BODY_INDENT + indent,
            message.message % message.message_args,
        )
        for message in found.messages
        if isinstance(message, _ERRORS)
    ]
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    for name in sorted(params - used):
        problems.append(
            Problem(file, first_line, None, f"parameter {name!r} is never used by the code")
        )
    return problems
