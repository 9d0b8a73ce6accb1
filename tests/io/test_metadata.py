"""metadata.json: the codelists a folder's data use (CT terms kept, extensions of extensible lists only), the
where-clause row selection, and the write/read round trip."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdiscmm.core.errors import InputError
from cdiscmm.io.metadata import METADATA_FILE, WhereRows, read_metadata, used_codelists, write_metadata
from cdiscmm.metadata.model import Codelist, Dataset, DatasetMeta, Term, ValueLevelMeta, VariableMeta, WhereCondition
from cdiscmm.metadata.terminology import CodelistRegistry

SEV = Codelist(
    code="C66769",
    name="AESEV",
    extensible=False,
    source="SDTM CT 2025-03-28",
    terms=[
        Term(submission_value=value, code=code)
        for value, code in [("MILD", "C1"), ("MODERATE", "C2"), ("SEVERE", "C3")]
    ],
)
ROUTE = Codelist(
    code="C66729",
    name="ROUTE",
    extensible=True,
    source="SDTM CT 2025-03-28",
    terms=[Term(submission_value=value, code=code) for value, code in [("ORAL", "C4"), ("SUBCUTANEOUS", "C5")]],
)
NY = Codelist(
    code="C66742",
    name="NY",
    extensible=False,
    source="SDTM CT 2025-03-28",
    terms=[Term(submission_value="N", code="C6"), Term(submission_value="Y", code="C7")],
)
REGISTRY = CodelistRegistry("test", [SEV, ROUTE, NY])


def _dataset(frame: pd.DataFrame, **codelists: str | None) -> Dataset:
    variables = [
        VariableMeta(
            name=name,
            label=name.title(),
            type="Char",
            order=order,
            codelist=codelists.get(name),
            role="Result Qualifier" if name == "QVAL" else None,
            value_level=[ValueLevelMeta(where=[WhereCondition(variable="QNAM", values=("AECRS",))], codelist="C66742")]
            if name == "QVAL"
            else [],
        )
        for order, name in enumerate(frame.columns, start=1)
    ]
    meta = DatasetMeta(name="XX", label="Test", class_="Events", standard="SDTMIG 3.4", variables=variables)
    return Dataset(meta, frame)


def test_used_terms_in_codelist_order_and_extensions_of_extensible_lists_only() -> None:
    frame = pd.DataFrame(
        {"STUDYID": ["S"] * 4, "AESEV": ["SEVERE", "MILD", "", "HIGH"], "EXROUTE": ["ORAL", "NASOGASTRIC", "", "ORAL"]}
    )
    found = {
        codelist.code: codelist
        for codelist in used_codelists([_dataset(frame, AESEV="C66769", EXROUTE="C66729")], REGISTRY)
    }
    assert found["C66769"].values() == ["MILD", "SEVERE"]  # HIGH is a data error, not an extension
    assert found["C66729"].values() == ["ORAL", "NASOGASTRIC"]
    assert found["C66729"].terms[1].code is None  # a sponsor extension has no NCI code


def test_result_qualifier_codelist_applies_to_its_value_level_only() -> None:
    frame = pd.DataFrame({"STUDYID": ["S"] * 3, "QNAM": ["AECRS", "CRSGR", "AECRS"], "QVAL": ["Y", "2", "N"]})
    found = used_codelists([_dataset(frame, QVAL="C66742")], REGISTRY)
    assert [(codelist.code, codelist.values()) for codelist in found] == [("C66742", ["N", "Y"])]  # "2" is not NY


def test_codelist_without_a_used_value_keeps_all_its_terms() -> None:
    frame = pd.DataFrame({"STUDYID": ["S"], "AESEV": [""]})
    assert used_codelists([_dataset(frame, AESEV="C66769")], REGISTRY)[0].values() == ["MILD", "MODERATE", "SEVERE"]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (WhereCondition(variable="PARAMCD", values=("PFS",)), [True, False, False]),
        (WhereCondition(variable="PARAMCD", comparator="IN", values=("OS", "TTNT")), [False, True, True]),
        (WhereCondition(variable="PARAMCD", comparator="NOTIN", values=("OS",)), [True, False, True]),
        (WhereCondition(variable="PARAMN", values=("2",)), [False, True, False]),  # numbers compare as written
        (WhereCondition(variable="PARAMN", comparator="GE", values=("2",)), [False, True, True]),
        (WhereCondition(variable="ABSENT", values=("X",)), [False, False, False]),
    ],
)
def test_where_rows(condition: WhereCondition, expected: list[bool]) -> None:
    frame = pd.DataFrame({"PARAMCD": ["PFS", "OS", "TTNT"], "PARAMN": [1.0, 2.0, 3.0]})
    assert WhereRows(frame).mask([condition]).tolist() == expected


def test_where_rows_and_conditions_on_missing_text_and_keep_the_frame_index() -> None:
    frame = pd.DataFrame(
        {"QSTESTCD": pd.array(["Q1", None, "Q2", "Q1"], dtype="string"), "QSCAT": ["A", "A", "B", "B"]},
        index=[10, 11, 12, 13],
    )
    rows = WhereRows(frame)  # QSTESTCD factorised once for all the clauses below
    q1 = WhereCondition(variable="QSTESTCD", values=("Q1",))
    not_q1 = WhereCondition(variable="QSTESTCD", comparator="NOTIN", values=("Q1",))
    cat_b = WhereCondition(variable="QSCAT", values=("B",))
    assert rows.mask([q1]).to_dict() == {10: True, 11: False, 12: False, 13: True}
    assert rows.mask([not_q1]).tolist() == [False, True, True, False]  # a missing value is not Q1
    assert rows.mask([q1, cat_b]).tolist() == [False, False, False, True]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["MILD", "MODERATE", "SEVERE", ""]), min_size=1, max_size=6))
def test_write_read_round_trip(tmp_path_factory: pytest.TempPathFactory, severities: list[str]) -> None:
    folder = tmp_path_factory.mktemp("meta")
    frame = pd.DataFrame({"STUDYID": ["S-1"] * len(severities), "AESEV": severities})
    dataset = _dataset(frame, AESEV="C66769")
    path = write_metadata([dataset], folder)
    assert path == folder / METADATA_FILE
    read = read_metadata(folder)
    assert read.studyid == "S-1"
    assert read.datasets == [dataset.meta]
    assert read.terminology == {"SDTM CT": "2025-03-28"}


def test_read_names_the_bad_field(tmp_path: Path) -> None:
    (tmp_path / METADATA_FILE).write_text('{"studyid": "S", "standard": "SDTMIG 3.4", "datasets": [{"name": 1}]}')
    with pytest.raises(InputError, match=r"metadata\.json, field datasets\.0"):
        read_metadata(tmp_path)


def test_two_studyids_are_refused(tmp_path: Path) -> None:
    frame = pd.DataFrame({"STUDYID": ["A", "B"], "AESEV": ["MILD", "MILD"]})
    with pytest.raises(InputError, match="exactly one STUDYID"):
        write_metadata([_dataset(frame, AESEV="C66769")], tmp_path)
