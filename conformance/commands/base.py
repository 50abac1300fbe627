"""What every subcommand is."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import ClassVar, Optional

from ..spec.load import load_suite
from ..spec.model import Suite


class Command:
    """One subcommand: its name, its help line, its arguments and what it does."""

    name: ClassVar[str]
    help: ClassVar[str]

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        """Declare the command's arguments on its subparser."""

    def __init__(self, args: argparse.Namespace, argv: list[str]) -> None:
        self.args = args
        self.argv = argv

    def run(self) -> int:
        raise NotImplementedError


def suite_from(paths: Optional[list[Path]]) -> Suite:
    """The specs a command works on: ``--specs`` paths, or the bundled specs."""
    return load_suite(paths)
