"""Lineage text for derived ADaM records: which source sequence numbers a value came from (SRCSEQS)."""

from __future__ import annotations

import pandas as pd


def compute_seq_text(*seqs: pd.Series) -> pd.Series:
    """Join sequence numbers element-wise into text such as ``"3,4"``; missing numbers are left out.

    Each argument is a numeric Series (e.g. RSSEQ of an assessment and of the assessment confirming it),
    all aligned on the same index. A row whose numbers are all missing gives a missing value.
    """
    frame = pd.concat([seq.astype("Float64").astype("Int64").astype("str") for seq in seqs], axis=1, ignore_index=True)
    joined = frame.stack().dropna().groupby(level=0).agg(",".join)
    return joined.reindex(frame.index).astype("str")


def compute_group_seq_text(dataset: pd.DataFrame, by_vars: list[str], seq: str) -> pd.Series:
    """Sorted, comma-joined sequence numbers per group of ``by_vars`` (a Series indexed by the groups)."""
    ordered = dataset.dropna(subset=[seq]).sort_values([*by_vars, seq])
    numbers = ordered[seq].astype("Float64").astype("Int64").astype("str")
    return numbers.groupby([ordered[name] for name in by_vars]).agg(",".join)


def derive_var_obs_number(
    dataset: pd.DataFrame, by_vars: list[str], order: list[str], new_var: str = "ASEQ"
) -> pd.DataFrame:
    """Add ``new_var`` = 1, 2, ... per ``by_vars`` group in ``order`` (admiral ``derive_var_obs_number()``).

    Missing values of ``order`` variables sort last; ties keep the input order. The rows keep their input order.
    """
    ranked = dataset.sort_values([*by_vars, *order], kind="stable", na_position="last")
    number = ranked.groupby(by_vars, sort=False).cumcount() + 1
    return dataset.assign(**{new_var: number.reindex(dataset.index).astype("int64")})
