"""Lineage text for derived ADaM records: which source sequence numbers a value came from (SRCSEQS)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def compute_seq_text(*seqs: pd.Series) -> pd.Series:
    """Join sequence numbers element-wise into text such as ``"3,4"``; missing numbers are left out.

    Each argument is a numeric Series (e.g. RSSEQ of an assessment and of the assessment confirming it),
    all aligned on the same index. A row whose numbers are all missing gives a missing value. Whole columns
    are joined at once (no Python call per row).
    """
    joined = pd.Series(pd.NA, index=seqs[0].index, dtype="str")
    for seq in seqs:
        text = _seq_as_text(seq)
        joined = joined.where(text.isna(), (joined + "," + text).fillna(text))
    return joined.astype("str")


def _seq_as_text(seq: pd.Series) -> pd.Series:
    return seq.astype("Float64").astype("Int64").astype("str")


def compute_group_seq_text(dataset: pd.DataFrame, by_vars: list[str], seq: str) -> pd.Series:
    """Sorted, comma-joined sequence numbers per group of ``by_vars`` (a Series indexed by the groups).

    Groups with a missing key are left out (pandas ``groupby`` default). The numbers of all groups are joined
    by Arrow in one call over a list array whose offsets are the group boundaries (no Python call per group).
    """
    ordered = dataset.dropna(subset=[seq]).sort_values([*by_vars, seq])
    grouped = ordered.groupby([ordered[name] for name in by_vars])
    codes = grouped.ngroup().to_numpy()
    kept = codes >= 0
    order = np.argsort(codes[kept], kind="stable")
    numbers = _seq_as_text(ordered[seq]).to_numpy()[kept][order]
    groups = grouped.size()
    offsets = np.searchsorted(codes[kept][order], np.arange(len(groups) + 1)).astype(np.int64)
    lists = pa.LargeListArray.from_arrays(pa.array(offsets), pa.array(numbers, type=pa.large_string()))
    joined = pc.binary_join(lists, pa.scalar(",", type=pa.large_string())).to_numpy(zero_copy_only=False)
    return pd.Series(joined, index=groups.index, dtype="str", name=seq)


def derive_var_obs_number(
    dataset: pd.DataFrame, by_vars: list[str], order: list[str], new_var: str = "ASEQ"
) -> pd.DataFrame:
    """Add ``new_var`` = 1, 2, ... per ``by_vars`` group in ``order`` (admiral ``derive_var_obs_number()``).

    Missing values of ``order`` variables sort last; ties keep the input order. The rows keep their input order.
    """
    ranked = dataset.sort_values([*by_vars, *order], kind="stable", na_position="last")
    number = ranked.groupby(by_vars, sort=False).cumcount() + 1
    return dataset.assign(**{new_var: number.reindex(dataset.index).astype("int64")})
