"""The defect manifest says exactly where each injected defect is in the written CSVs."""

from pathlib import Path

import pandas as pd
import pytest

from cdiscmm.io.collected import read_form

STUDIES = ("ELRA-JP-PMS", "EQUE-CN-RWS", "ISA-OBS-RRMM")
CELL_DEFECTS = {"PARTIAL_DATE", "END_BEFORE_START", "LONG_TEXT", "CODE_OUTSIDE_CODELIST", "SPACES_AND_CASE"}


def _manifest(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "defects.csv", dtype=str, keep_default_na=False)


@pytest.mark.parametrize("studyid", STUDIES)
def test_every_manifest_row_points_at_its_injected_value(generated: dict[str, Path], studyid: str) -> None:
    folder = generated[studyid]
    manifest = _manifest(folder)
    assert list(manifest.columns) == ["DEFECT", "FORM", "ROW", "FIELD", "ORIGINAL", "INJECTED"]
    forms = {name: read_form(folder, name).set_index("RAWROW") for name in manifest["FORM"].unique()}
    for item in manifest.itertuples():
        data = forms[item.FORM]
        if item.DEFECT == "MISSING_ASSESSMENT":
            assert item.ROW == "" and item.ORIGINAL.startswith("SUBJID=")
        elif item.DEFECT == "DUPLICATE_ROW":
            assert data.loc[int(item.ROW)].equals(data.loc[int(item.ORIGINAL)])
            assert int(item.ROW) == int(item.ORIGINAL) + 1
        else:
            assert data.loc[int(item.ROW), item.FIELD] == item.INJECTED, item
            assert item.INJECTED != item.ORIGINAL


def test_all_defect_types_occur_at_the_default_size(tmp_path: Path) -> None:
    from cdiscmm.metadata.study import select_studies
    from cdiscmm.simulate.generate import generate_study

    generate_study(select_studies(["ISA-OBS-RRMM"])[0], tmp_path, 400, 5)
    manifest = _manifest(tmp_path)
    assert set(manifest["DEFECT"]) == CELL_DEFECTS | {"MISSING_ASSESSMENT", "UNSCHEDULED_VISIT", "DUPLICATE_ROW"}


@pytest.mark.parametrize("studyid", STUDIES)
def test_defect_values_have_the_documented_shape(generated: dict[str, Path], studyid: str) -> None:
    manifest = _manifest(generated[studyid])
    partial = manifest[manifest["DEFECT"] == "PARTIAL_DATE"]["INJECTED"]
    assert partial.str.fullmatch(r"UN ([A-Z]{3}|UNK) \d{4}").all()
    long_text = manifest[manifest["DEFECT"] == "LONG_TEXT"]["INJECTED"]
    assert long_text.map(lambda text: len(text.encode("utf-8")) > 200).all()
    unscheduled = manifest[manifest["DEFECT"] == "UNSCHEDULED_VISIT"]
    assert set(unscheduled["FORM"]) <= {"rs", "lbmm"} and (unscheduled["INJECTED"] == "UNSCHEDULED").all()
    codes = manifest[manifest["DEFECT"] == "CODE_OUTSIDE_CODELIST"]
    codelists = pd.read_csv(generated[studyid] / "codelists.csv", dtype=str, keep_default_na=False)
    dictionary = pd.read_csv(generated[studyid] / "data_dictionary.csv", dtype=str, keep_default_na=False)
    for item in codes.itertuples():
        name = dictionary.loc[(dictionary["FORM"] == item.FORM) & (dictionary["FIELD"] == item.FIELD), "CODELIST"]
        assert item.INJECTED not in set(codelists.loc[codelists["CODELIST"] == name.iloc[0], "CODE"])


def test_end_before_start_really_ends_before_it_starts(generated: dict[str, Path]) -> None:
    from cdiscmm.simulate.render import parse_date

    folder = generated["ISA-OBS-RRMM"]
    manifest = _manifest(folder)
    pairs = {"priortx": "PTSTDAT", "mh": "MHSTDAT", "ae": "AESTDAT"}
    rows = manifest[manifest["DEFECT"] == "END_BEFORE_START"]
    for form, group in rows.groupby("FORM"):
        data = read_form(folder, form).set_index("RAWROW").loc[group["ROW"].astype(int)]
        start = parse_date(data[pairs[form]])
        end = parse_date(data[group["FIELD"].iloc[0]])
        assert (end < start).all()
