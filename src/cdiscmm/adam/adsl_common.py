"""What the ADSL derivations share: the subject key, joining per-subject values, all-missing columns."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

#: SDTM datasets by name, as the ADaM stage reads them.
Sdtm = Mapping[str, pd.DataFrame]
KEY = "USUBJID"


def by_subject(adsl: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """``adsl`` with ``values`` (keyed by USUBJID, one row per subject) joined on; subjects without stay missing."""
    return adsl.merge(values, on=KEY, how="left", validate="one_to_one")


def missing_columns(adsl: pd.DataFrame, names: list[str], types: Mapping[str, str]) -> pd.DataFrame:
    """``adsl`` with ``names`` added as all-missing columns of the given types (``Num`` or ``Char``)."""
    dtypes = {name: "float64" if types[name] == "Num" else "str" for name in names}
    return adsl.assign(**{name: pd.Series(np.nan, index=adsl.index, dtype=dtype) for name, dtype in dtypes.items()})
