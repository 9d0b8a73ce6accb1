"""Collected-data checks on a hand-written export: each finding names the form, the CSV row and the field."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cdiscmm.validate.catalogue import CHECKS, CheckRun
from cdiscmm.validate.collected import iso_dates, load_collected
from tests.validate.helpers import rule


@pytest.fixture
def export(tmp_path: Path) -> Path:
    pd.DataFrame(
        {
            "FORM": ["ae"] * 6,
            "FIELD": ["STUDYID", "SUBJID", "AETERM", "AESER", "AESTDAT", "AEENDAT"],
            "LABEL": ["Study", "Subject", "Term", "Serious", "Start", "End"],
            "TYPE": ["text", "text", "text", "code", "date", "date"],
            "CODELIST": ["", "", "", "NY", "", ""],
        }
    ).to_csv(tmp_path / "data_dictionary.csv", index=False)
    pd.DataFrame({"CODELIST": ["NY", "NY"], "CODE": ["Y", "N"], "DECODE": ["Yes", "No"]}).to_csv(
        tmp_path / "codelists.csv", index=False
    )
    pd.DataFrame(
        {
            "STUDYID": ["S1"] * 5,
            "SUBJID": ["001", "001", "002", "002", "003"],
            "AETERM": ["Nausea", "Nausea", "nausea", "Fatigue ", "x" * 201],
            "AESER": ["N", "N", "99", "y", "Y"],
            "AESTDAT": ["05 JAN 2021", "05 JAN 2021", "UN MAR 2021", "2021-03-01", "10 FEB 2021"],
            "AEENDAT": ["06 JAN 2021", "06 JAN 2021", "", "", "01 FEB 2021"],
        }
    ).to_csv(tmp_path / "ae.csv", index=False)
    return tmp_path


@pytest.mark.parametrize(
    ("rule_id", "expected"),
    [
        ("RAW-CODE", [(3, "AESER", "99")]),
        ("RAW-CODESPELL", [(4, "AESER", "y")]),
        ("RAW-DATE", [(4, "AESTDAT", "2021-03-01")]),
        ("RAW-PARTIALDATE", [(3, "AESTDAT", "UN MAR 2021")]),
        ("RAW-SPACES", [(4, "AETERM", "Fatigue ")]),
        ("RAW-TEXTCASE", [(3, "AETERM", "nausea")]),
        ("RAW-LONGTEXT", [(5, "AETERM", "x" * 201)]),
        ("RAW-DUPROW", [(2, "", "")]),
        ("RAW-ENDBEFORESTART", [(5, "AEENDAT", "01 FEB 2021")]),
    ],
)
def test_collected_defect_is_found_at_its_row_and_field(export: Path, rule_id: str, expected) -> None:
    chosen = rule(rule_id)
    found = CHECKS[chosen.check](CheckRun(load_collected(export), chosen))
    assert list(found[["ROW", "VARIABLE", "VALUE"]].itertuples(index=False, name=None)) == expected
    assert set(found["DATASET"]) == {"ae"}


def test_collected_dates_become_right_truncated_iso8601() -> None:
    values = pd.Series(["05 JAN 2021", "UN MAR 2021", "UN UNK 2019", "2021-01-05", ""])
    assert iso_dates(values).tolist() == ["2021-01-05", "2021-03", "2019", "", ""]
