"""``cdiscmm define``: Define-XML 2.1 (ARM 1.0 for ADaM), its stylesheet and define.html for SDTM/ADaM folders."""

from __future__ import annotations

import argparse
from pathlib import Path

from cdiscmm.core import progress
from cdiscmm.core.errors import InputError, Location
from cdiscmm.metadata.study import StudyRef, select_studies
from cdiscmm.metadata.translations import translations_file


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``define`` subcommand."""
    parser = subparsers.add_parser(
        "define",
        parents=[common],
        help="write define.xml, define2-1.xsl and define.html beside the SDTM and ADaM datasets",
        description=(
            "Write Define-XML 2.1 for each folder of datasets from its metadata.json (written by `cdiscmm sdtm` and "
            "`cdiscmm adam`) and its .xpt files; ADaM defines carry Analysis Results Metadata 1.0. Without --sdtm "
            "or --adam: <out>/<STUDYID>/sdtm/ and <out>/<STUDYID>/adam/ of each chosen study. A folder without "
            "metadata.json gets metadata from the SDTMIG 3.4 / ADaMIG 1.3 specs and the files (origins Not Available). "
            "A study's dictionary versions (study.yaml dictionaries) go to the ExternalCodeLists. "
            "Output beside the datasets: define.xml, define2-1.xsl, define.html. A local-language folder with its "
            "own metadata.json (sdtm/ja/, sdtm/zh/) gets its own define, with the descriptions in that language "
            "beside the English ones."
        ),
    )
    parser.add_argument("--sdtm", type=Path, metavar="DIR", help="an SDTM folder of .xpt files (ours or anyone's)")
    parser.add_argument("--adam", type=Path, metavar="DIR", help="an ADaM folder of .xpt files (ours or anyone's)")
    parser.set_defaults(func=run)


def _folders(args: argparse.Namespace) -> list[tuple[Path, StudyRef | None]]:
    """The folders to define, each with its study (None for a --sdtm/--adam folder)."""
    from cdiscmm.io.metadata import METADATA_FILE  # pandas loads only when the command runs

    given = [folder for folder in (args.sdtm, args.adam) if folder is not None]
    if given:
        for folder in given:
            if not folder.is_dir():
                raise InputError("folder not found", Location(file=str(folder)), expected="a folder of .xpt files")
        return [(folder, None) for folder in given]
    folders: list[tuple[Path, StudyRef | None]] = []
    for study in select_studies(args.study, getattr(args, "mappings", None)):
        found = [
            args.out / study.studyid / kind for kind in ("sdtm", "adam") if (args.out / study.studyid / kind).is_dir()
        ]
        found += [local.parent for folder in list(found) for local in sorted(folder.glob(f"*/{METADATA_FILE}"))]
        if not found:
            raise InputError(
                "no sdtm/ or adam/ folder",
                Location(file=str(args.out / study.studyid)),
                expected="the output of `cdiscmm sdtm` / `cdiscmm adam` for this study, or --sdtm/--adam DIR",
            )
        folders += [(folder, study) for folder in found]
    return folders


def run(args: argparse.Namespace) -> int:
    """Write the define of every chosen folder."""
    from cdiscmm.define.folder import define_folder  # the stage loads only when it runs

    for folder, study in _folders(args):
        language = folder.name if translations_file(folder.name).is_file() else None
        versions = {} if study is None else study.config.dictionaries
        study_file = None if study is None else study.folder / "study.yaml"
        with progress.step(f"define {folder}"):
            output = define_folder(
                folder,
                (language,) if language else (),
                documents_prefix="../" if language else "",
                dictionary_versions=versions,
                study_file=study_file,
            )
        if output.from_specs:
            progress.warn(f"{folder} has no metadata.json: define.xml made from the IG specs and the .xpt files")
        if output.untranslated:
            shown = ", ".join(repr(text) for text in output.untranslated[:5])
            progress.warn(f"{folder}: {len(output.untranslated)} description(s) without a {language} text: {shown}")
        progress.info(f"wrote {output.define}, {output.stylesheet.name}, {output.html.name}")
    return 0
