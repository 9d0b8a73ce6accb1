"""ADaM on any SDTMIG-conformant delivery (issue #9.7): an absent permissible variable or domain is a note and a
fallback (docs/adam-inputs.md), an absent Required variable stays an InputError."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from cdiscmm import cli
from cdiscmm.adam.adrs_steps import select_ovr_records
from cdiscmm.adam.fallbacks import FALLBACKS, is_optional
from cdiscmm.adam.sdtm_input import require
from cdiscmm.adam.spec import load_adam_spec
from cdiscmm.core import progress
from cdiscmm.core.errors import EXIT_BAD_INPUT, InputError
from cdiscmm.io.xpt.read import read_xpt
from cdiscmm.io.xpt.write import write_xpt
from cdiscmm.metadata import standards
from cdiscmm.metadata.model import Dataset, DatasetMeta, VariableMeta


@pytest.fixture(autouse=True)
def _notes_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "_quiet", False)  # a CLI test may have run with --quiet


NOTE = re.compile(r"note: SDTM ([A-Z0-9]+(?:\.[A-Z0-9_]+)?)(?: QNAM [A-Z0-9_, ]+)? not in the input")


def test_permissible_variable_absent_is_a_note_and_a_missing_column(capsys: pytest.CaptureFixture[str]) -> None:
    ae = pd.DataFrame({"USUBJID": ["S-1", "S-2"], "AESEQ": [1.0, 1.0], "AETERM": ["Nausea", "Rash"]})
    frame = require({"AE": ae}, "AE", ["USUBJID", "AETERM", "AETOXGR", "AESTDY"])
    assert frame["AETOXGR"].isna().all() and frame["AETOXGR"].dtype == "str"
    assert frame["AESTDY"].isna().all() and frame["AESTDY"].dtype == "float64"  # AESTDY is Num in SDTMIG
    assert list(frame["AETERM"]) == ["Nausea", "Rash"]
    err = capsys.readouterr().err
    assert "SDTM AE.AETOXGR not in the input; ADAE.AETOXGR, AETOXGRN" in err
    assert "SDTM AE.AESTDY not in the input; the ADaM variables derived from it are left missing" in err


def test_required_variable_absent_stays_an_input_error() -> None:
    ae = pd.DataFrame({"USUBJID": ["S-1"], "AETERM": ["Nausea"]})
    with pytest.raises(InputError, match="SDTM AE has no variable AEDECOD"):
        require({"AE": ae}, "AE", ["USUBJID", "AEDECOD", "AETOXGR"])
    assert is_optional("AE", "AETOXGR") and not is_optional("AE", "AEDECOD")
    assert not is_optional("AE", "AENOSUCH")  # a variable the IG does not define is never optional


def test_ovr_without_rseval_takes_every_overall_response(capsys: pytest.CaptureFixture[str]) -> None:
    """RSEVAL absent: the OVR filter's RSEVAL = INVESTIGATOR is not tested; RSCAT still is (row 3 is not IMWG)."""
    rs = pd.DataFrame(
        {
            "USUBJID": ["S-1", "S-1", "S-1"],
            "RSSEQ": [1.0, 2.0, 3.0],
            "RSTESTCD": ["OVRLRESP", "OVRLRESP", "OVRLRESP"],
            "RSCAT": ["KUMAR IMWG 2016", "KUMAR IMWG 2016", "RECIST 1.1"],
            "RSDTC": ["2024-01-10", "2024-02-10", "2024-02-10"],
            "RSSTRESC": ["PR", "VGPR", "PR"],
        }
    )
    ovr = select_ovr_records({"RS": rs}, load_adam_spec("ADRS").parameter("OVR"))
    assert list(ovr["AVALC"]) == ["PR", "VGPR"]
    assert "SDTM RS.RSEVAL not in the input; ADRS OVR (RSEVAL = INVESTIGATOR)" in capsys.readouterr().err


def _strip(folder: Path, dataset: str, variables: set[str]) -> None:
    """Rewrite ``<dataset>.xpt`` without ``variables`` (names, labels, formats of the others kept)."""
    path = folder / f"{dataset.lower()}.xpt"
    content = read_xpt(path)
    keep = [name for name in content.data.columns if name not in variables]
    ig = standards.sdtmig()[dataset]
    meta = DatasetMeta(
        name=content.name,
        label=content.label,
        **{"class": ig.class_},
        standard="SDTMIG 3.4",
        variables=[
            VariableMeta(
                name=name,
                label=content.labels.get(name) or name,
                type=ig.variable(name).type if ig.has(name) else "Char",
                order=order,
                display_format=content.formats.get(name),
            )
            for order, name in enumerate(keep, start=1)
        ],
    )
    write_xpt(Dataset(meta, content.data[keep]), path)


@pytest.fixture(scope="module")
def elra_sdtm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ELRA-JP-PMS SDTM of a small generated export (30 subjects), built once for this module."""
    root = tmp_path_factory.mktemp("elra")
    raw = root / "ELRA-JP-PMS" / "raw"
    generate = ["raw", "generate", "--study", "ELRA-JP-PMS", "--subjects", "30", "--seed", "3", "--out", str(raw)]
    assert cli.main([*generate, "-q"]) == 0
    assert cli.main(["sdtm", "--study", "ELRA-JP-PMS", "--out", str(root), "-q"]) == 0
    return root / "ELRA-JP-PMS" / "sdtm"


@pytest.fixture
def delivery(elra_sdtm: Path, tmp_path: Path) -> Path:
    """A copy of the SDTM XPT files alone, as another sponsor would deliver them."""
    folder = tmp_path / "sdtm"
    shutil.copytree(elra_sdtm, folder, ignore=shutil.ignore_patterns("ja", "*.csv"))
    return folder


@pytest.mark.slow
def test_adam_runs_on_a_delivery_without_permissible_variables(
    delivery: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """AECAT, AETOXGR, SUPPAE absent (the issue's case) and, with them, every other Permissible variable of the
    delivery: exit 0, ADSL ADAE ADRS ADTTE written, a note for each, every noted input in the fallback table."""
    ig = standards.sdtmig()
    for path in sorted(delivery.glob("*.xpt")):
        name = path.stem.upper()
        if name in ig:
            columns = read_xpt(path).data.columns
            _strip(delivery, name, {c for c in columns if ig[name].has(c) and ig[name].variable(c).core == "Perm"})
    (delivery / "suppae.xpt").unlink()
    assert "AETOXGR" not in read_xpt(delivery / "ae.xpt").data.columns
    assert cli.main(["adam", "--sdtm", str(delivery), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    adam = {path.name for path in (tmp_path / "out" / "ELRA-JP-PMS" / "adam").iterdir()}
    assert {"adsl.xpt", "adae.xpt", "adrs.xpt", "adtte.xpt"} <= adam
    noted = set(NOTE.findall(err))
    assert {"AE.AECAT", "AE.AETOXGR", "SUPPAE", "RS.RSEVAL"} <= noted
    listed = {source for entry in FALLBACKS for source in entry.source.split(", ")}
    assert noted - listed == set(), "every fallback the run takes is documented in FALLBACKS"
    adae = read_xpt(tmp_path / "out" / "ELRA-JP-PMS" / "adam" / "adae.xpt").data
    assert (adae["AETOXGR"] == "").all() and adae["AETOXGRN"].isna().all()


@pytest.mark.slow
def test_adam_stops_on_a_missing_required_variable(
    delivery: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _strip(delivery, "AE", {"AEDECOD"})
    assert cli.main(["adam", "--sdtm", str(delivery), "--out", str(tmp_path / "out"), "-q"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "SDTM AE has no variable AEDECOD" in err and "ae.xpt" in err and "Traceback" not in err
