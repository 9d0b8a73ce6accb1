"""SUPP-- records: collected qualifiers without a standard variable (``supp_qual``) and text over 200 bytes
(``split_long_text``)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: SAS XPORT v5 limit for a character value, in bytes.
MAX_TEXT_BYTES = 200


def supp_qual(
    frame: pd.DataFrame,
    values: pd.Series,
    *,
    qnam: str,
    qlabel: str,
    qorig: str,
    qeval: str | None,
    idvar: str | None,
) -> pd.DataFrame:
    """One SUPP-- record per non-null value (SDTMIG 3.4 §8.4.1 and §8.4.2).

    IDVAR/IDVARVAL identify the parent record by its --SEQ; for DM (one record per subject) both are null.
    RDOMAIN is the parent's DOMAIN. QNAM ≤ 8 characters and QLABEL ≤ 40 are checked by the spec.
    """
    keep = values.notna()
    parent = frame.loc[keep]
    return pd.DataFrame(
        {
            "STUDYID": parent["STUDYID"],
            "RDOMAIN": parent["DOMAIN"],
            "USUBJID": parent["USUBJID"],
            "IDVAR": idvar,
            "IDVARVAL": parent[idvar].astype("string") if idvar else pd.NA,
            "QNAM": qnam,
            "QLABEL": qlabel,
            "QVAL": values[keep].astype("string"),
            "QORIG": qorig,
            "QEVAL": qeval,
        },
        index=parent.index,
    ).astype("string")


def compute_text_chunks(text: str, limit: int = MAX_TEXT_BYTES) -> list[str]:
    """``text`` cut into pieces of at most ``limit`` UTF-8 bytes, between words where a blank allows it.

    A piece ends at the last blank that keeps it within the limit (the blank is dropped); text without blanks
    (Japanese, Chinese, a very long word) is cut after the last whole character that fits.
    """
    pieces: list[str] = []
    rest = text
    while len(rest.encode("utf-8")) > limit:
        head = rest.encode("utf-8")[:limit].decode("utf-8", errors="ignore")
        blank = head.rfind(" ")
        if blank > 0 and rest[len(head)] != " ":
            head = head[:blank]
        pieces.append(head.rstrip())
        rest = rest[len(head) :].lstrip(" ")
    pieces.append(rest)
    return pieces


def compute_split_qnam(variable: str, number: int) -> str:
    """QNAM of the ``number``-th continuation of ``variable``: AETERM1; an 8-character name loses its last
    character (AEACNOTH → AEACNOT1), as SDTMIG 3.4 §4.5.3.2 shows."""
    suffix = str(number)
    return variable[: 8 - len(suffix)] + suffix


def compute_utf8_length(values: pd.Series) -> pd.Series:
    """Bytes each value takes in UTF-8 (0 for missing), counted by Arrow without encoding a value in Python."""
    lengths = pc.binary_length(pa.array(values.astype("string"), type=pa.large_string()))
    return pd.Series(lengths.fill_null(0).to_numpy(), index=values.index)


def split_long_text(values: pd.Series, limit: int = MAX_TEXT_BYTES) -> tuple[pd.Series, pd.DataFrame]:
    """Values over ``limit`` bytes: the first piece stays in the variable, the rest become SUPP-- values.

    SDTMIG 3.4 §4.5.3.2 (text strings that exceed the maximum length for general-observation-class variables):
    the first 200 characters go in the parent variable and each further 200 characters in a SUPP-- record
    whose QNAM is the variable name with a 1-digit suffix starting at 1 (AETERM1, AETERM2, …), QLABEL the
    variable's label, split between words for readability. The limit here is 200 **bytes** of UTF-8, since
    the XPT v5 limit is in bytes and Japanese/Chinese characters take 3 bytes each.

    Returns the parent values and a frame of continuations (columns 1, 2, … aligned to ``values``). Only the
    few values over the limit are cut, one by one; the word-boundary search is inherently per value.
    """
    text = values.astype("string")
    too_long = compute_utf8_length(text).gt(limit)
    if not too_long.any():
        return text, pd.DataFrame(index=values.index)
    pieces = pd.DataFrame(
        text[too_long].map(lambda value: compute_text_chunks(value, limit)).tolist(), index=text.index[too_long]
    )
    parent = text.mask(too_long, pieces[0])
    continuations = pieces.drop(columns=0).reindex(values.index).astype("string")
    return parent, continuations
