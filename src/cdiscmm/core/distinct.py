"""Compute a value-wise column function once per distinct value (or combination of values), then spread it back."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

Result = TypeVar("Result", pd.Series, pd.DataFrame, tuple)


def _spread(result: pd.Series | pd.DataFrame, codes: np.ndarray, index: pd.Index) -> pd.Series | pd.DataFrame:
    return result.iloc[codes].set_axis(index)


def compute_on_distinct(function: Callable[..., Result], *columns: pd.Series) -> Result:
    """``function(*columns)`` for a function whose every output row depends only on the same row of its inputs.

    Dates, codes and test names repeat across records (a study of 100,000 subjects has a few thousand distinct
    visit dates), so ``function`` runs on the distinct rows only (missing values are a value of their own) and
    its Series, DataFrame or tuple of them is taken back to every row, index and dtypes unchanged. The result is
    identical to calling ``function`` on the whole columns.
    """
    index = columns[0].index
    codes = np.zeros(len(index), dtype=np.int64)
    for column in columns:
        level, uniques = pd.factorize(column, use_na_sentinel=False)
        codes, _ = pd.factorize(codes * max(len(uniques), 1) + level)
    first = np.unique(codes, return_index=True)[1]
    distinct = [column.iloc[first].reset_index(drop=True) for column in columns]
    result = function(*distinct)
    if isinstance(result, tuple):
        return tuple(_spread(part, codes, index) for part in result)  # type: ignore[return-value]
    return _spread(result, codes, index)  # type: ignore[return-value]
