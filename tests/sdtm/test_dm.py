"""DM rules: reference dates (first/last with partial dates), DTHFL, arm variables, one record per subject."""

from __future__ import annotations

import pandas as pd

from cdiscmm.metadata.study import Design
from cdiscmm.sdtm.dm import apply_dm_rules, compute_reference_date, derive_ageu

EX = pd.DataFrame(
    {
        "RAWROW": [1, 2, 3, 4, 5, 6],
        "SUBJID": ["01", "01", "01", "02", "02", "03"],
        "EXSTDAT": ["12 MAR 2024", "UN MAR 2024", "09 APR 2024", "UN APR 2024", "30 APR 2024", "31 FEB 2024"],
        "EXSTTIM": ["10:00", "", "", "", "", ""],
        "EXDOSE": ["1", "1", "1", "1", "0", "1"],
    }
)
DD = pd.DataFrame({"RAWROW": [1], "SUBJID": ["02"], "DTHDAT": ["UN UNK UNKN"]})
RAWS = {"ex": EX, "dd": DD}


def design(**changes: object) -> Design:
    spec = {
        "arm_null_reason": "NOT ASSIGNED",
        "reference_dates": {
            "RFXSTDTC": {"pick": "first", "sources": [{"form": "ex", "date": "EXSTDAT", "time": "EXSTTIM"}]},
            "RFXENDTC": {"pick": "last", "sources": [{"form": "ex", "date": "EXSTDAT", "time": "EXSTTIM"}]},
            "DTHDTC": {"pick": "first", "sources": [{"form": "dd", "date": "DTHDAT"}]},
        },
    }
    return Design.model_validate({**spec, **changes})


def test_first_exposure_is_the_earliest_complete_date_unless_a_partial_one_is_certainly_earlier() -> None:
    first = compute_reference_date(design().reference_dates["RFXSTDTC"], RAWS, "S")
    # 01: "2024-03" may mean 1-31 March, so it is not certainly before 12 March → the complete 12 March (a
    # partial date cannot establish the first exposure). 02: "2024-04" ends 30 April → 30 April. 03: only an
    # impossible date → none.
    assert first.to_dict() == {"S-01": "2024-03-12T10:00", "S-02": "2024-04-30"}


def test_a_partial_date_wins_only_when_certainly_beyond_the_complete_ones() -> None:
    raws = {
        "ex": pd.DataFrame(
            {
                "RAWROW": [1, 2, 3, 4, 5],
                "SUBJID": ["01", "01", "02", "02", "03"],
                "EXSTDAT": ["15 MAR 2024", "UN FEB 2024", "15 MAR 2024", "UN MAY 2024", "UN JUN 2024"],
                "EXSTTIM": ["", "", "", "", ""],
            }
        )
    }
    rules = design().reference_dates
    # 01: February ends before 15 March → "2024-02" is first; 02: May starts after 15 March → "2024-05" is last;
    # 03 has a partial date only → it is both first and last.
    assert compute_reference_date(rules["RFXSTDTC"], raws, "S").to_dict() == {
        "S-01": "2024-02",
        "S-02": "2024-03-15",
        "S-03": "2024-06",
    }
    assert compute_reference_date(rules["RFXENDTC"], raws, "S").to_dict() == {
        "S-01": "2024-03-15",
        "S-02": "2024-05",
        "S-03": "2024-06",
    }


def test_last_exposure_prefers_the_complete_date_on_a_tie() -> None:
    last = compute_reference_date(design().reference_dates["RFXENDTC"], RAWS, "S")
    # 01: 09 April is after anything in March. 02: "2024-04" ends 30 April 23:59, as does 2024-04-30 → complete wins
    assert last.to_dict() == {"S-01": "2024-04-09", "S-02": "2024-04-30"}


def test_reference_date_filtered_by_condition() -> None:
    rule = design(
        reference_dates={
            "RFXENDTC": {
                "pick": "last",
                "sources": [{"form": "ex", "date": "EXSTDAT", "condition_add": [{"field": "EXDOSE", "not_in": ["0"]}]}],
            }
        }
    ).reference_dates["RFXENDTC"]
    assert compute_reference_date(rule, RAWS, "S").to_dict() == {"S-01": "2024-04-09", "S-02": "2024-04"}


def dm_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "USUBJID": ["S-01", "S-02", "S-03", "S-01"],
            "AGE": [61.0, None, 70.0, 62.0],
            "__FORM": ["dm"] * 4,
            "__ROW": [1, 2, 3, 4],
        }
    )


def test_apply_dm_rules_without_arm() -> None:
    dm, events = apply_dm_rules(dm_frame(), design(), RAWS, "S")
    assert list(dm["USUBJID"]) == ["S-01", "S-02", "S-03"]
    assert events.loc[0, "REASON"] == "subject already in DM from dm row 1" and events.loc[0, "ROW"] == 4
    # death record with unknown date: DTHFL Y, DTHDTC null
    assert list(dm["DTHFL"].fillna("")) == ["", "Y", ""]
    assert dm["DTHDTC"].isna().all()
    assert set(dm["ARMNRS"]) == {"NOT ASSIGNED"}
    assert dm[["ARMCD", "ARM", "ACTARMCD", "ACTARM", "ACTARMUD"]].isna().all().all()


def test_apply_dm_rules_single_arm_untreated_subject() -> None:
    dm, _ = apply_dm_rules(
        dm_frame(), design(arm_null_reason=None, arm={"armcd": "ELRA", "arm": "Elranatamab"}), RAWS, "S"
    )
    dm = dm.set_index("USUBJID")
    assert list(dm["ARMCD"]) == ["ELRA"] * 3
    # S-03 has no valid exposure date: assigned, not treated
    assert list(dm["ACTARMCD"].fillna("")) == ["ELRA", "ELRA", ""]
    assert list(dm["ARMNRS"].fillna("")) == ["", "", "ASSIGNED, NOT TREATED"]


def test_derive_ageu_only_where_age_known() -> None:
    assert list(derive_ageu(dm_frame())["AGEU"].fillna("")) == ["YEARS", "", "YEARS", "YEARS"]


def test_apply_dm_rules_second_source_fills_the_subject_record_not_a_duplicate() -> None:
    frame = pd.DataFrame(
        {
            "USUBJID": ["S-01", "S-02", "S-01", "S-03"],
            "AGE": [61.0, 70.0, None, None],
            "__SUPP_ENRLTYP": [None, None, "PROSPECTIVE", "RETROSPECTIVE"],
            "__FORM": ["dm", "dm", "ic", "ic"],
            "__ROW": [1, 2, 1, 2],
        }
    )
    dm, events = apply_dm_rules(frame, design(), RAWS, "S")
    assert list(dm["USUBJID"]) == ["S-01", "S-02"]
    assert list(dm["__SUPP_ENRLTYP"].fillna("")) == ["PROSPECTIVE", ""]
    assert dm.attrs["merged_rows"].to_dict("records") == [{"FORM": "ic", "ROW": 1}]
    assert events["REASON"].tolist() == ["subject S-03 has no dm record"]
