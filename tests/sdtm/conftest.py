"""Fixtures shared by the SDTM tests: hand-built metadata and CT, a CSV form reader, a tiny study on disk, the small
study built in chunks and the comparison of two SDTM output folders."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cdiscmm.cli import main
from cdiscmm.core.errors import InputError, Location
from cdiscmm.metadata.model import Codelist, DatasetMeta, Term, VariableMeta
from cdiscmm.sdtm.verbs.base import MapContext
from tests.conftest import SMALL_STUDY


class Registry:
    """A CT registry made of hand-built codelists."""

    package = "SDTM CT TEST"

    def __init__(self, *codelists: Codelist) -> None:
        self._by_code = {codelist.code: codelist for codelist in codelists}

    def get(self, code: str) -> Codelist:
        return self._by_code[code]


SEV = Codelist(
    code="C66769",
    name="AESEV",
    extensible=False,
    source="test",
    terms=[Term(submission_value=value, code=f"C{n}") for n, value in enumerate(["MILD", "MODERATE", "SEVERE"])],
)
ROUTE = Codelist(
    code="C66729",
    name="ROUTE",
    extensible=True,
    source="test",
    terms=[
        Term(submission_value="INTRAVENOUS", code="C38276", synonyms=("IV",)),
        Term(submission_value="SUBCUTANEOUS", code="C38299", synonyms=("SC",)),
    ],
)
AGEU = Codelist(
    code="C66781", name="AGEU", extensible=False, source="test", terms=[Term(submission_value="YEARS", code="C29848")]
)


@pytest.fixture
def ct() -> Registry:
    return Registry(SEV, ROUTE, AGEU)


@pytest.fixture
def context(ct: Registry) -> MapContext:
    return MapContext(studyid="S1", ct=ct)


def variables(*specs: tuple[str, str, str]) -> list[VariableMeta]:
    """(name, type, core) → VariableMeta in that order."""
    return [
        VariableMeta(name=name, label=f"{name} label", type=kind, order=order, core=core)  # type: ignore[arg-type]
        for order, (name, kind, core) in enumerate(specs, start=1)
    ]


def read_csv_form(raw_dir: Path, form: str) -> pd.DataFrame:
    """The raw-form contract (all-text columns plus 1-based RAWROW), read straight from ``<form>.csv``."""
    path = raw_dir / f"{form}.csv"
    if not path.is_file():
        raise InputError("form not found", Location(file=str(path)))
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    frame.insert(0, "RAWROW", range(1, len(frame) + 1))
    return frame


def ae_meta() -> DatasetMeta:
    return DatasetMeta(
        name="AE",
        label="Adverse Events",
        **{"class": "EVENTS"},
        standard="SDTMIG 3.4",
        variables=variables(
            ("STUDYID", "Char", "Req"),
            ("DOMAIN", "Char", "Req"),
            ("USUBJID", "Char", "Req"),
            ("AESEQ", "Num", "Req"),
            ("AETERM", "Char", "Req"),
            ("AEDECOD", "Char", "Req"),
            ("AECAT", "Char", "Perm"),
            ("AESEV", "Char", "Perm"),
            ("EPOCH", "Char", "Perm"),
            ("AESTDTC", "Char", "Exp"),
            ("AEENDTC", "Char", "Exp"),
            ("AESTDY", "Num", "Perm"),
        ),
    )


@pytest.fixture(scope="session")
def chunked_sdtm_out(small_study_out: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``EQUE-CN-RWS/sdtm`` of the small study built in one process in chunks of 7 subjects (``--chunk-subjects``)."""
    out = tmp_path_factory.mktemp("chunked-sdtm")
    raw = small_study_out / SMALL_STUDY / "raw"
    assert (
        main(["sdtm", "--study", SMALL_STUDY, "--raw", str(raw), "--out", str(out), "--chunk-subjects", "7", "-q"]) == 0
    )
    return out / SMALL_STUDY / "sdtm"


def assert_same_sdtm(whole: Path, chunked: Path) -> list[Path]:
    """Every file of a chunked build's folder is byte for byte the whole build's, but ``issues.csv``, which holds
    the same lines (listed chunk after chunk); the files compared."""
    files = sorted(path.relative_to(chunked) for path in chunked.rglob("*") if path.is_file())
    written = {path.relative_to(whole) for path in whole.rglob("*") if path.is_file()}
    assert set(files) <= written and {"metadata.json", "rejects.csv", "reconciliation.csv"} <= {f.name for f in files}
    xpts = [name for name in files if name.suffix == ".xpt"]
    assert len(xpts) > 20 and any(len(name.parts) == 2 for name in xpts)  # the zh/ copies are compared too
    for name in files:
        if name.name == "issues.csv":
            rows = [sorted((root / name).read_text(encoding="utf-8").splitlines()) for root in (whole, chunked)]
            assert rows[0] == rows[1]
        else:
            assert (whole / name).read_bytes() == (chunked / name).read_bytes(), name
    return files
