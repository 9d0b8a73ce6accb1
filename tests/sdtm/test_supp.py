"""SUPP--: supp_qual records and split_long_text at 200 bytes (not characters)."""

from __future__ import annotations

import pandas as pd
import pytest
from pydantic import ValidationError

from cdiscmm.sdtm.spec import SuppQualArgs
from cdiscmm.sdtm.verbs.supp import compute_split_qnam, compute_text_chunks, split_long_text, supp_qual

PARENT = pd.DataFrame({"STUDYID": "S", "DOMAIN": "AE", "USUBJID": ["S-1", "S-1", "S-2"], "AESEQ": [1, 2, 1]})


def test_supp_qual_one_record_per_value_keyed_by_seq() -> None:
    supp = supp_qual(
        PARENT,
        pd.Series(["Y", None, "N"]),
        qnam="AETOCI",
        qlabel="Tocilizumab Given",
        qorig="CRF",
        qeval=None,
        idvar="AESEQ",
    )
    assert list(supp["IDVAR"]) == ["AESEQ", "AESEQ"] and list(supp["IDVARVAL"]) == ["1", "1"]
    assert list(supp["USUBJID"]) == ["S-1", "S-2"] and list(supp["QVAL"]) == ["Y", "N"]
    assert set(supp["RDOMAIN"]) == {"AE"} and set(supp["QNAM"]) == {"AETOCI"}


def test_supp_qual_for_dm_has_no_idvar() -> None:
    dm = pd.DataFrame({"STUDYID": "S", "DOMAIN": "DM", "USUBJID": ["S-1"]})
    supp = supp_qual(
        dm, pd.Series(["IGG_K"]), qnam="MMTYPE", qlabel="Myeloma type", qorig="CRF", qeval=None, idvar=None
    )
    assert supp["IDVAR"].isna().all() and supp["IDVARVAL"].isna().all()


def test_qlabel_over_40_bytes_is_a_spec_error() -> None:
    with pytest.raises(ValidationError, match="longer than 40 bytes"):
        SuppQualArgs.model_validate({"qlabel": "x" * 41, "value": {"assign_no_ct": {"field": "X"}}})


def test_split_qnam_suffix_and_eight_character_names() -> None:
    assert compute_split_qnam("AETERM", 1) == "AETERM1"
    assert compute_split_qnam("AEACNOTH", 2) == "AEACNOT2"


def test_split_between_words_under_200_bytes() -> None:
    text = " ".join(["word"] * 60)  # 60*4 + 59 = 299 bytes
    pieces = compute_text_chunks(text)
    assert all(len(piece.encode()) <= 200 for piece in pieces)
    assert " ".join(pieces) == text and len(pieces) == 2
    assert pieces[0] == " ".join(["word"] * 40)  # 40 words = 199 bytes; a 41st would make 204


def test_split_japanese_text_counts_bytes_not_characters() -> None:
    text = "あ" * 100  # 100 characters, 300 bytes in UTF-8
    parent, continuations = split_long_text(pd.Series([text, "short"]))
    assert parent[0] == "あ" * 66  # 198 bytes; one more character would be 201
    assert continuations.loc[0, 1] == "あ" * 34
    assert parent[1] == "short" and pd.isna(continuations.loc[1, 1])


def test_split_nothing_to_do() -> None:
    parent, continuations = split_long_text(pd.Series(["a", None]))
    assert continuations.empty and parent[0] == "a"
