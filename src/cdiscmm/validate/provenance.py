"""What a validation read and what checked it: report.json's ``provenance``.

Every file the checks read is listed by its role and name (``sdtm/dm.xpt``, ``sdtm/metadata.json``,
``define/define.xml``, ``adam_define/define.xml``, ``raw/ae.csv``, ``explanations/explanations.yaml``) with its
SHA-256 and size, hashed a block at a time (:mod:`cdiscmm.io.digest`); beside them the code (release and a SHA-256
over its source), the rule catalogue and the ``specs/`` metadata the datasets are checked against when they carry
none. QA signs the report against these; the package stage reuses a report only when they all match
(:mod:`cdiscmm.validate.reuse`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdiscmm.io.collected import CODELISTS_FILE, DICTIONARY_FILE
from cdiscmm.io.digest import code_version, describe_file, rule_catalogue_version, specs_version
from cdiscmm.io.metadata import METADATA_FILE
from cdiscmm.metadata.explanations import EXPLANATIONS_FILE
from cdiscmm.validate.delivery import dataset_paths, metadata_file

if TYPE_CHECKING:
    from cdiscmm.validate.run import Inputs

#: ``rule_catalogue`` of a run given its rules by the caller instead of the catalogue files.
CALLER_RULES = "given by the caller"


def dataset_files(folder: Path, metadata: Path | None = None) -> dict[str, Path]:
    """``{name: path}`` of the files read for an SDTM or ADaM folder: its ``.xpt`` datasets, or without any its
    Dataset-JSON files (:func:`cdiscmm.validate.delivery.dataset_paths`), and the metadata they are checked against
    (:func:`cdiscmm.validate.delivery.metadata_file`: ``metadata`` given apart, else the folder's own) as
    ``metadata.json`` wherever it lies: the same role, so a report matches whichever way the same bytes were named."""
    found = {path.name: path for path in dataset_paths(folder)}
    checked_against = metadata_file(folder, metadata)
    return found | ({METADATA_FILE: checked_against} if checked_against is not None else {})


def read_files(inputs: Inputs, forms: Iterable[str] = ()) -> dict[str, Path]:
    """``{role/name: path}`` of every file a validation of ``inputs`` reads; ``forms``: the collected forms read
    (with the export's data dictionary and codelists)."""
    found: dict[str, Path] = {}
    for role in ("sdtm", "adam"):
        folder = getattr(inputs, role)
        files = dataset_files(folder, getattr(inputs, f"{role}_metadata")) if folder is not None else {}
        found |= {f"{role}/{name}": path for name, path in files.items()}
    for role in ("define", "adam_define"):
        path = getattr(inputs, role)
        if path is not None:
            found[f"{role}/{path.name}"] = path
    if inputs.raw is not None:
        names = [DICTIONARY_FILE, CODELISTS_FILE, *(f"{form}.csv" for form in forms)]
        found |= {f"raw/{name}": inputs.raw / name for name in names}
    explanations = inputs.explanations
    if explanations is not None and explanations.is_dir():
        explanations = explanations / EXPLANATIONS_FILE
    if explanations is not None and explanations.is_file():
        found[f"explanations/{explanations.name}"] = explanations
    return dict(sorted(found.items()))


def provenance(inputs: Inputs, forms: Iterable[str], catalogue_given: bool) -> dict[str, Any]:
    """The report's ``provenance``: code, rule catalogue and specs versions, and each file read (SHA-256, bytes);
    ``catalogue_given``: the caller passed its own rules (no catalogue version then)."""
    return {
        "cdiscmm": code_version(),
        "rule_catalogue": CALLER_RULES if catalogue_given else rule_catalogue_version(),
        "specs": specs_version(),
        "files": {key: describe_file(path) for key, path in read_files(inputs, forms).items()},
    }


def provenance_line(recorded: dict[str, Any]) -> str:
    """The report header's line on its provenance: code, catalogue and specs versions, the number of files read."""
    code = recorded["cdiscmm"]
    return (
        f"cdiscmm {code['release']} (source sha256:{code['source_sha256']}), rule catalogue "
        f"{recorded['rule_catalogue']}, specs {recorded['specs']}; files read: {len(recorded['files'])}, each with "
        "its SHA-256 and size in report.json"
    )


def provenance_rows(recorded: dict[str, Any]) -> list[dict[str, Any]]:
    """The provenance as rows (item, bytes, sha256): the code, the rule catalogue, the specs, then each file read."""
    code = recorded["cdiscmm"]
    versions = [
        {"item": f"cdiscmm {code['release']} source", "sha256": code["source_sha256"]},
        {"item": "rule catalogue", "sha256": recorded["rule_catalogue"]},
        {"item": "specs", "sha256": recorded["specs"]},
    ]
    return versions + [{"item": key, **described} for key, described in recorded["files"].items()]
