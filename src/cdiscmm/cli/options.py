"""Options every stage's subcommand takes."""

from __future__ import annotations

import argparse
from pathlib import Path


def common_options() -> argparse.ArgumentParser:
    """Options every stage takes."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--study", action="append", metavar="ID", help="STUDYID to process (repeatable; default: all bundled studies)"
    )
    common.add_argument("--out", type=Path, default=Path("output"), metavar="DIR", help="output root (default: output)")
    common.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    common.add_argument("-q", "--quiet", action="store_true", help="no progress messages on stderr")
    return common
