"""YAML loading that remembers where every value came from.

Schema and semantic errors must point at ``file:line:col``. PyYAML's
constructed objects forget their positions, so we compose the node graph with
the C parser and build plain Python values ourselves, recording the start mark
of each node under its path (a tuple of keys and indexes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, UsageError

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader  # type: ignore[misc]

Path_ = tuple  # a path into the document: keys and indexes


@dataclass
class Located:
    """A loaded document plus the position of every node in it."""

    file: str
    data: Any
    positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    # For block scalars (``code: |``), the 1-based line of the first content line.
    block_starts: dict[tuple, int] = field(default_factory=dict)
    # ... and how many columns that line is indented in the file.
    block_indents: dict[tuple, int] = field(default_factory=dict)

    def where(self, path: tuple) -> tuple[int | None, int | None]:
        """The closest known (line, col) for ``path``, walking up to its parents."""
        path = tuple(path)
        while True:
            if path in self.positions:
                return self.positions[path]
            if not path:
                return (None, None)
            path = path[:-1]

    def problem(self, path: tuple, message: str) -> Problem:
        line, col = self.where(path)
        return Problem(self.file, line, col, message)


def _bad_key(doc: Located, key_node: yaml.Node, message: str) -> UsageError:
    """The error for a mapping key the spec format does not allow, at the key."""
    mark = key_node.start_mark
    return UsageError(Problem(doc.file, mark.line + 1, mark.column + 1, message))


def load_yaml(path: Path, display_name: str | None = None) -> Located:
    """Parse one YAML file; raise UsageError with file:line:col on bad YAML."""
    name = display_name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(Problem(name, None, None, f"cannot read: {exc}")) from None
    return load_yaml_text(text, name)


def load_yaml_text(text: str, name: str) -> Located:
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else None
            col = mark.column + 1 if mark else None
            msg = exc.problem or str(exc)
            if exc.context:
                msg = f"{exc.context}, {msg}"
            raise UsageError(Problem(name, line, col, f"invalid YAML: {msg}")) from None
        except yaml.YAMLError as exc:
            raise UsageError(Problem(name, None, None, f"invalid YAML: {exc}")) from None
        doc = Located(name, None)
        if node is not None:
            doc.data = _build(loader, node, (), doc)
        lines = text.splitlines()
        for path, line in doc.block_starts.items():
            if 0 < line <= len(lines):
                content = lines[line - 1]
                doc.block_indents[path] = len(content) - len(content.lstrip(" "))
        return doc
    finally:
        loader.dispose()


def _build(loader: Any, node: yaml.Node, path: tuple, doc: Located) -> Any:
    doc.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _bad_key(doc, key_node, "merge keys (<<) are not supported in specs")
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise _bad_key(doc, key_node, "mapping keys must be scalars")
            if key in result:
                raise _bad_key(doc, key_node, f"duplicate key {key!r}")
            result[key] = _build(loader, value_node, path + (key,), doc)
            # Point at the key, which is where a reader looks for "this entry".
            doc.positions[path + (key,)] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, path + (i,), doc) for i, item in enumerate(node.value)]
    if node.style in ("|", ">"):
        doc.block_starts[path] = node.start_mark.line + 2
    return loader.construct_object(node, deep=True)
