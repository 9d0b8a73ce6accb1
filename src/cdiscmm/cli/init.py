"""``cdiscmm init``: a new study's mapping skeleton (study.yaml + domain override files) in a mappings folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from cdiscmm.core import progress


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``init`` subcommand (it takes its own options: it creates a mappings folder, it reads none)."""
    parser = subparsers.add_parser(
        "init",
        help="create a new study's mappings from the shared mappings",
        description=(
            "Create <out>/<studyid>/ with study.yaml (required fields, design reading the shared forms, TS basics) "
            "and one override file per shared domain mapping, and <out>/schema/. Then run "
            "`cdiscmm sdtm --mappings <out> --study ID --raw DIR`."
        ),
    )
    parser.add_argument("--study", required=True, metavar="ID", help="STUDYID of the new study")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="mappings folder to create it in")
    parser.add_argument("--title", metavar="TEXT", help="study title (TS TITLE)")
    parser.add_argument("--sponsor", default="Sponsor", metavar="TEXT", help="sponsor name (TS SPONSOR)")
    parser.add_argument("--region", default="FDA", choices=["FDA", "PMDA", "NMPA"], help="submission region")
    parser.add_argument("--language", default="en", choices=["en", "ja", "zh"], help="language of collected text")
    parser.add_argument(
        "--shared",
        type=Path,
        metavar="DIR",
        help="shared mappings to start from (default: <out>/shared/ when it exists, else the bundled ones)",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress messages on stderr")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the skeleton and say where it is."""
    from cdiscmm.core.paths import mappings_dir
    from cdiscmm.metadata.study import SHARED_FOLDER
    from cdiscmm.sdtm.skeleton import create_study

    own = args.out / SHARED_FOLDER
    shared = args.shared or (own if own.is_dir() else mappings_dir() / SHARED_FOLDER)
    folder = create_study(
        args.out,
        args.study,
        shared,
        title=args.title,
        sponsor=args.sponsor,
        region=args.region,
        language=args.language,
    )
    progress.info(f"wrote {folder} (study {args.study}, shared mappings {shared})")
    return 0
