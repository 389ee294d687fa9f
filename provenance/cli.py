"""The ``provenance`` command: a thin click layer over the library.

The only module that imports click or prints.  Exit codes (one place, ``ExitCode``):

0  success
1  some inputs failed (each named on stderr); the rest were processed and printed
2  usage error (bad option, missing argument) - click's own code
3  configuration error (bad --config or --manifest file)
"""

from __future__ import annotations

import enum
import logging

import click

from provenance import __version__


class ExitCode(enum.IntEnum):
    OK = 0
    INPUT_FAILED = 1
    USAGE = 2
    CONFIG = 3


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="provenance")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
def cli(verbose: int, quiet: bool) -> None:
    """Audit news articles for text copied from wire agencies and other outlets."""
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def main() -> None:
    cli()
