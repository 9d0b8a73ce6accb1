"""Subject-partitioned SDTM (``--chunk-subjects``): the same files as the whole build; the chunking rules."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cdiscmm.core.errors import SpecError
from cdiscmm.metadata.model import Dataset, DatasetMeta, ValueLevelMeta, VariableMeta, WhereCondition
from cdiscmm.sdtm.partition import form_subject_fields, join_chunks, spill_chunks, subject_chunks
from cdiscmm.sdtm.spec import DomainMapping
from tests.conftest import SMALL_STUDY
from tests.sdtm.conftest import assert_same_sdtm


def test_chunked_sdtm_writes_the_same_files_as_the_whole_build(small_study_out: Path, chunked_sdtm_out: Path) -> None:
    assert_same_sdtm(small_study_out / SMALL_STUDY / "sdtm", chunked_sdtm_out)


def test_chunks_cut_the_sorted_subjects_and_blank_subjects_go_first() -> None:
    raws = {
        "ae": pd.DataFrame({"SUBJID": ["003", " 001", "", "002", "001"], "X": list("abcde")}),
        "cm": pd.DataFrame({"PT": ["004", "002"], "X": ["f", "g"]}),
    }
    chunks = list(subject_chunks(raws, {"ae": "SUBJID", "cm": "PT"}, 2))
    assert [(chunk.number, chunk.count) for chunk in chunks] == [(1, 2), (2, 2)]
    assert chunks[0].raws["ae"]["X"].tolist() == ["b", "c", "d", "e"]
    assert chunks[0].raws["cm"]["X"].tolist() == ["g"]
    assert chunks[1].raws["ae"]["X"].tolist() == ["a"]
    assert chunks[1].raws["cm"]["X"].tolist() == ["f"]
    whole = list(subject_chunks(raws, {}, None))
    assert len(whole) == 1 and whole[0].raws is raws and whole[0].label() == ""


def test_a_chunk_keeps_the_form_rows_in_order_with_their_labels() -> None:
    raws = {"ae": pd.DataFrame({"SUBJID": ["b", "a", "c", "a", "b", "c", "a"], "X": range(7)}, index=range(10, 17))}
    chunks = list(subject_chunks(raws, {"ae": "SUBJID"}, 1))
    assert [chunk.raws["ae"].index.tolist() for chunk in chunks] == [[11, 13, 16], [10, 14], [12, 15]]
    assert [chunk.raws["ae"]["X"].tolist() for chunk in chunks] == [[1, 3, 6], [0, 4], [2, 5]]
    assert [len(chunk.raws) for chunk in subject_chunks({}, {}, 3)] == [0]


def test_spilled_chunks_read_back_equal(tmp_path: Path) -> None:
    raws = {
        "ae": pd.DataFrame({"SUBJID": ["b", "", "a", "b"], "X": ["é", "", "x", "y"]}, dtype=str).assign(
            RAWROW=[1, 2, 3, 4]
        ),
        "cm": pd.DataFrame({"PT": ["a"], "Y": ["z"]}, dtype=str).assign(RAWROW=[1]),
    }
    fields = {"ae": "SUBJID", "cm": "PT"}
    spilled = list(spill_chunks(subject_chunks(raws, fields, 1), tmp_path))
    assert [chunk.label() for chunk in spilled] == [" (subjects chunk 1/2)", " (subjects chunk 2/2)"]
    for chunk, kept in zip(spilled, subject_chunks(raws, fields, 1), strict=True):
        assert list(chunk.raws) == list(kept.raws)
        for form, rows in kept.raws.items():
            pd.testing.assert_frame_equal(chunk.raws[form], rows, check_exact=True)
            assert chunk.raws[form].columns.equals(rows.columns) and chunk.raws[form].index.equals(rows.index)


def test_a_form_read_with_two_subject_fields_cannot_be_chunked() -> None:
    from cdiscmm.sdtm.loader import LoadedMapping

    def loaded(domain: str, subject: str) -> LoadedMapping:
        mapping = DomainMapping.model_validate(
            {
                "domain": domain,
                "sources": [
                    {"form": "ae", "subject": subject, "variables": {"USUBJID": {"assign_no_ct": {"field": "X"}}}}
                ],
            }
        )
        return LoadedMapping(mapping, [Path(f"{domain.lower()}.yaml")], {})

    assert form_subject_fields({"AE": loaded("AE", "SUBJID"), "DM": loaded("DM", "PT")}) == {"ae": "SUBJID"}
    with pytest.raises(SpecError, match="form ae is read with subject field PT and SUBJID"):
        form_subject_fields({"AE": loaded("AE", "SUBJID"), "CE": loaded("CE", "PT")})


def _supp_piece(qnams: list[str], subject: str) -> Dataset:
    levels = [ValueLevelMeta(where=[WhereCondition(variable="QNAM", values=(qnam,))], label=qnam) for qnam in qnams]
    variables = [
        VariableMeta(name="USUBJID", label="Subject", type="Char", order=1),
        VariableMeta(name="QNAM", label="Qualifier", type="Char", order=2),
        VariableMeta(name="QVAL", label="Value", type="Char", order=3, value_level=levels),
    ]
    data = pd.DataFrame({"USUBJID": subject, "QNAM": qnams, "QVAL": "x"}, dtype="string")
    meta = DatasetMeta.model_validate(
        {
            "name": "SUPPAE",
            "label": "Supp AE",
            "class": "RELATIONSHIP",
            "standard": "SDTMIG 3.4",
            "variables": variables,
        }
    )
    return Dataset(meta, data)


def test_joined_supp_keeps_the_records_in_chunk_order_and_qnams_in_the_whole_builds_order() -> None:
    order = {"AETERM1": 0, "AETERM2": 1, "AETRTEM": 2}
    joined = join_chunks([_supp_piece(["AETRTEM"], "S1"), _supp_piece(["AETERM1", "AETRTEM"], "S2")], order)
    assert joined.data["USUBJID"].tolist() == ["S1", "S2", "S2"]
    qval = joined.meta.variable("QVAL")
    assert [level.where[0].values[0] for level in qval.value_level] == ["AETERM1", "AETRTEM"]


def test_findings_value_level_from_each_pieces_distinct_rows_equals_that_of_the_joined_records() -> None:
    from cdiscmm.sdtm.describe import value_level_columns
    from cdiscmm.sdtm.partition import joined_meta

    variables = [
        VariableMeta(name=name, label=name, type="Char", order=order)
        for order, name in enumerate(["USUBJID", "LBTESTCD", "LBTEST", "LBORRES", "LBORRESU", "LBSTRESC", "LBSTRESU"])
    ]
    meta = DatasetMeta.model_validate(
        {"name": "LB", "label": "Lab", "class": "FINDINGS", "standard": "SDTMIG 3.4", "variables": variables}
    )
    rows = [  # (subject, test, label, unit): HGB in one unit, MPROT in two, FLC without a unit at first
        ("S1", "HGB", "Hemoglobin", "g/dL"),
        ("S1", "FLC", "Free Light Chains", None),
        ("S2", "MPROT", "M Protein", "g/dL"),
        ("S2", "HGB", "Hemoglobin", "g/dL"),
        ("S3", "FLC", "Free Light Chains", "mg/L"),
        ("S3", "MPROT", "M Protein", "g/L"),
        ("S3", "HGB", "Haemoglobin", "g/dL"),
    ]
    frame = pd.DataFrame(
        [(subject, test, label, "1", unit, "1", unit) for subject, test, label, unit in rows],
        columns=[variable.name for variable in variables],
        dtype="string",
    )
    pieces = [Dataset(meta, frame.iloc[bounds]) for bounds in (slice(0, 2), slice(2, 4), slice(4, 7))]
    codelists = {("LBORRES", "HGB"): "C1"}
    whole = join_chunks(pieces, {}, codelists).meta
    distinct = pd.concat(
        [piece.data[list(value_level_columns("LB"))].drop_duplicates() for piece in pieces], ignore_index=True
    )
    assert joined_meta([piece.meta for piece in pieces], distinct, {}, codelists) == whole
    levels = whole.variable("LBSTRESC").value_level
    assert [(level.where[0].values[0], level.label, level.unit) for level in levels] == [
        ("HGB", "Hemoglobin", "g/dL"),
        ("FLC", "Free Light Chains", "mg/L"),
        ("MPROT", "M Protein", None),
    ]
