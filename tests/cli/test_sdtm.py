"""``cdiscmm sdtm``: the schema action and a one-line error for a missing raw folder."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from cdiscmm.cli import sdtm as cli
from cdiscmm.cli.options import common_options
from cdiscmm.core.errors import InputError


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="stage"), common_options())
    return parser.parse_args(argv)


def test_schema_action_writes_both_schemas(tmp_path: Path) -> None:
    args = parse(["sdtm", "schema", "--out", str(tmp_path)])
    assert args.func(args) == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["domain-mapping.schema.json", "study.schema.json"]


def test_missing_raw_folder_names_it(tmp_path: Path) -> None:
    args = parse(["sdtm", "--study", "ISA-OBS-RRMM", "--out", str(tmp_path)])
    with pytest.raises(InputError, match="raw folder not found"):
        args.func(args)
