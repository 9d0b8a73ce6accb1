"""Select the raw rows a source maps (``condition_add``), as sdtm.oak's conditioned data frames do."""

from __future__ import annotations

import pandas as pd

from cdiscmm.metadata.vocabulary import ConditionAddArgs
from cdiscmm.sdtm.verbs.base import clean_text


def condition_add(raw: pd.DataFrame, args: ConditionAddArgs) -> pd.Series:
    """True for the raw rows that satisfy the test (blank values fail every test but ``empty``)."""
    value = clean_text(raw[args.field]).str.upper()
    if args.equals is not None:
        selected = value == args.equals.strip().upper()
    elif args.in_ is not None:
        selected = value.isin([item.strip().upper() for item in args.in_])
    elif args.not_in is not None:
        selected = value.notna() & ~value.isin([item.strip().upper() for item in args.not_in])
    else:
        selected = value.notna() == bool(args.not_empty)
    return selected.fillna(False).astype(bool)
