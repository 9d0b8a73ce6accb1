"""``cdiscmm raw``: generate the collected data of the bundled studies.

``cdiscmm raw [--study ID]... [--out DIR]`` generates every selected study with its design's default size and
seed into ``<out>/<STUDYID>/raw/``. ``cdiscmm raw generate --study ID --subjects N --seed K --out DIR`` writes
into DIR itself (one study only); without ``--out`` it writes ``output/<STUDYID>/raw/`` per study.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cdiscmm.cli.options import common_options
from cdiscmm.core import progress
from cdiscmm.core.errors import Location, UsageError
from cdiscmm.metadata.study import select_studies

DEFAULT_ROOT = Path("output")
RAW_FOLDER = "raw"


def _at_least(minimum: int) -> type:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is below the minimum {minimum}")
        return value

    parse.__name__ = f"integer >= {minimum}"
    return parse  # type: ignore[return-value]


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``raw`` (and its ``generate`` action) to the top-level parser."""
    raw = subparsers.add_parser("raw", parents=[common], help="generate collected (EDC export) data")
    raw.set_defaults(func=run_default, subjects=None, seed=None)
    actions = raw.add_subparsers(dest="action", metavar="ACTION")
    # A fresh copy of the common options: parsers built with ``parents`` share the option objects, and
    # ``set_defaults(out=None)`` below would otherwise change the --out default of every stage.
    generate = actions.add_parser(
        "generate", parents=[common_options()], help="generate one study with a chosen size and seed into --out"
    )
    generate.add_argument("--subjects", type=_at_least(1), metavar="N", help="number of subjects (>= 1)")
    generate.add_argument("--seed", type=_at_least(0), metavar="K", help="random seed (>= 0)")
    generate.set_defaults(func=run_generate, out=None)


def _generate(study_ids: list[str] | None, root: Path, folder: Path | None, args: argparse.Namespace) -> int:
    from cdiscmm.simulate.generate import generate_study  # the generator loads only when it runs

    studies = select_studies(study_ids, getattr(args, "mappings", None))
    for study in studies:
        target = folder or root / study.studyid / RAW_FOLDER
        result = generate_study(study, target, args.subjects, args.seed)
        progress.info(
            f"{study.studyid}: {result.subjects} subjects (seed {result.seed}), {len(result.rows)} forms, "
            f"{result.defects} defects -> {result.folder}"
        )
    return 0


def run_default(args: argparse.Namespace) -> int:
    """``cdiscmm raw``: every selected bundled study with its default size and seed."""
    return _generate(args.study, args.out, None, args)


def run_generate(args: argparse.Namespace) -> int:
    """``cdiscmm raw generate``: an explicit ``--out`` is the raw folder itself and needs exactly one study."""
    if args.out is not None and (not args.study or len(args.study) != 1):
        raise UsageError(
            "generate --out DIR writes one study into DIR", Location(field="--study"), expected="exactly one --study ID"
        )
    return _generate(args.study, DEFAULT_ROOT, args.out, args)
