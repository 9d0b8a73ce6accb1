"""The generator: deterministic per seed, every endpoint's form present, dictionary covering every column."""

from pathlib import Path

import pandas as pd
import pytest

from cdiscmm.io.collected import RAWROW, read_codelists, read_dictionary, read_form, read_form_titles
from cdiscmm.metadata.study import select_studies
from cdiscmm.simulate.generate import generate_study

#: Forms each study's endpoints need (ORR/BOR, >=VGPR, >=CR, confirmed response, PFS, OS, 6-month rates,
#: DoR, TTR, TTCR, TTNT): index date, response and labs, death, end of observation, next therapy, survival.
ENDPOINT_FORMS = {
    "ELRA-JP-PMS": {"dm", "ic", "mmdx", "priortx", "ex", "rs", "lbmm", "eot", "eos", "dth", "subtx", "surv", "ae"},
    "EQUE-CN-RWS": {
        "dm",
        "ic",
        "mmdx",
        "priortx",
        "leuk",
        "ld",
        "inf",
        "rs",
        "lbmm",
        "eos",
        "dth",
        "subtx",
        "surv",
        "ae",
    },
    "ISA-OBS-RRMM": {"dm", "ic", "mmdx", "priortx", "ex", "rs", "lbmm", "eot", "eos", "dth", "subtx", "surv", "ae"},
}


def _bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.csv"))}


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    study = select_studies(["ELRA-JP-PMS"])[0]
    generate_study(study, tmp_path / "a", 25, 3)
    generate_study(study, tmp_path / "b", 25, 3)
    assert _bytes(tmp_path / "a") == _bytes(tmp_path / "b")


def test_different_seed_gives_different_data(tmp_path: Path) -> None:
    study = select_studies(["ISA-OBS-RRMM"])[0]
    generate_study(study, tmp_path / "a", 25, 3)
    generate_study(study, tmp_path / "b", 25, 4)
    first, second = _bytes(tmp_path / "a"), _bytes(tmp_path / "b")
    assert first.keys() == second.keys()
    assert first["rs.csv"] != second["rs.csv"] and first["dm.csv"] != second["dm.csv"]


@pytest.mark.parametrize("studyid", sorted(ENDPOINT_FORMS))
def test_each_study_has_the_forms_its_endpoints_need(generated: dict[str, Path], studyid: str) -> None:
    written = {path.stem for path in generated[studyid].glob("*.csv")}
    assert ENDPOINT_FORMS[studyid] <= written
    assert {"data_dictionary", "codelists", "forms", "defects"} <= written


@pytest.mark.parametrize("studyid", sorted(ENDPOINT_FORMS))
def test_dictionary_covers_every_column_in_order(generated: dict[str, Path], studyid: str) -> None:
    folder = generated[studyid]
    dictionary = read_dictionary(folder)
    codelists = set(read_codelists(folder)["CODELIST"])
    for form, fields in dictionary.groupby("FORM", sort=False):
        header = pd.read_csv(folder / f"{form}.csv", nrows=0).columns.tolist()
        assert header == fields["FIELD"].tolist(), form
    used = set(dictionary.loc[dictionary["CODELIST"] != "", "CODELIST"])
    assert used <= codelists
    data_files = {path.stem for path in folder.glob("*.csv")} - {"data_dictionary", "codelists", "forms", "defects"}
    assert data_files == set(dictionary["FORM"])
    titles = read_form_titles(folder)
    assert list(titles) == list(dictionary["FORM"].unique()) and all(titles.values())  # forms.csv: every form titled


def test_local_language_verbatim_has_english_translation(generated: dict[str, Path]) -> None:
    japanese = read_form(generated["ELRA-JP-PMS"], "priortx")
    assert {"PTTRT", "PTTRT_EN"} <= set(japanese.columns)
    assert japanese["PTTRT"].str.contains("[\u30a0-\u30ff]").any()
    chinese = read_form(generated["EQUE-CN-RWS"], "mh")
    assert chinese["MHTERM"].str.contains("[\u4e00-\u9fff]").any() and "MHTERM_EN" in chinese
    english = read_form(generated["ISA-OBS-RRMM"], "priortx")
    assert "PTTRT_EN" not in english


def test_isatuximab_exposure_records_partner_regimen_and_weight(generated: dict[str, Path]) -> None:
    ex = read_form(generated["ISA-OBS-RRMM"], "ex")
    assert set(ex["EXCOMB"].str.strip().str.upper()) <= {"PD", "KD", "99", "X"}
    clean = ex[(ex["EXADJ"] == "N") & (ex["EXPDOSE"] == "10")]
    assert (clean["EXDOSE"].astype(float) == (clean["EXWT"].astype(float) * 10).round()).all()


def test_read_form_numbers_rows_and_keeps_text(generated: dict[str, Path]) -> None:
    dm = read_form(generated["ISA-OBS-RRMM"], "dm")
    assert dm[RAWROW].tolist() == list(range(1, len(dm) + 1))
    assert all(dm[column].map(type).eq(str).all() for column in dm.columns if column != RAWROW)
