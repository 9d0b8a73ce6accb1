"""The command line, thin: parse, call a stage, report. One subcommand per stage.

Exit codes: 0 success, 1 validation found errors, 2 bad input or usage, 3 internal error.
Problems print one line each (file, row or line, field, what was expected); a traceback only with --debug.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from cdiscmm import __version__
from cdiscmm.cli import (
    adam,
    bench,
    define,
    init,
    package,
    sdtm,
    simulate,
    validate,
)
from cdiscmm.cli.options import apply_project_config, common_options
from cdiscmm.core import progress
from cdiscmm.core.errors import EXIT_BAD_INPUT, EXIT_INTERNAL, CdiscmmError

#: The subcommands in pipeline order; each module has ``register(subparsers, common)`` and imports its stage
#: only when the subcommand runs, so ``cdiscmm --help`` loads no stage.
SUBCOMMANDS = (
    init,
    simulate,
    sdtm,
    adam,
    validate,
    define,
    package,
    bench,
)


class Parser(argparse.ArgumentParser):
    """argparse with the CLI's rule for problems: one line, exit 2 (subcommand parsers inherit the class)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"cdiscmm: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The full parser with one subcommand per stage."""
    parser = Parser(
        prog="cdiscmm",
        description="Collected RRMM study data to CDISC SDTM and ADaM (XPT v5, Define-XML 2.1) for PMDA, NMPA, FDA.",
    )
    parser.add_argument("--version", action="version", version=f"cdiscmm {__version__}")
    subparsers = parser.add_subparsers(dest="stage", required=True, metavar="STAGE")
    common = common_options()
    for subcommand in SUBCOMMANDS:
        subcommand.register(subparsers, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cdiscmm`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)  # a usage error exits 2 here with one line (Parser.error)
    progress.set_quiet(getattr(args, "quiet", False))
    try:
        apply_project_config(args)
        return int(args.func(args) or 0)
    except CdiscmmError as error:
        if getattr(args, "debug", False):
            raise
        print(f"cdiscmm: error: {error}", file=sys.stderr)
        for line in error.details:
            print(f"cdiscmm: error: {line}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("cdiscmm: interrupted", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as error:  # last resort: never a bare traceback for the user
        if getattr(args, "debug", False):
            raise
        print(
            f"cdiscmm: internal error: {type(error).__name__}: {error} (run again with --debug for the traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
