"""Input checks shared by the ADaM derivations: a missing column is an InputError that names it."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from cdiscmm.core.errors import InputError, Location


def assert_columns(dataset: pd.DataFrame, needed: Iterable[str], dataset_name: str) -> None:
    """Raise :class:`InputError` naming every column of ``needed`` that ``dataset`` lacks.

    All missing columns are reported in one message (in the order asked for), so a user fixes them in one pass.
    """
    missing = [name for name in dict.fromkeys(needed) if name not in dataset.columns]
    if missing:
        raise InputError(
            f"{dataset_name} lacks required column(s) {', '.join(missing)}",
            Location(file=dataset_name, field=missing[0]),
            found=sorted(map(str, dataset.columns)),
            expected=f"columns {', '.join(missing)}",
        )


def assert_values(values: pd.Series, permitted: Iterable[object], dataset_name: str) -> None:
    """Raise :class:`InputError` when non-missing ``values`` hold anything outside ``permitted``."""
    allowed = set(permitted)
    present = values.dropna()
    bad = sorted({str(value) for value in present[~present.isin(allowed)]})
    if bad:
        raise InputError(
            f"{dataset_name}.{values.name} has value(s) outside the permitted set",
            Location(file=dataset_name, field=str(values.name)),
            found=bad,
            expected=", ".join(map(str, sorted(allowed, key=str))),
        )


def assert_unique(dataset: pd.DataFrame, keys: list[str], dataset_name: str, hint: str = "") -> None:
    """Raise :class:`InputError` when ``keys`` do not identify the rows of ``dataset`` uniquely."""
    duplicated = dataset.duplicated(keys, keep=False)
    if duplicated.any():
        first = dataset.loc[duplicated, keys].iloc[0].to_dict()
        raise InputError(
            f"{dataset_name} has more than one row per {', '.join(keys)}{'; ' + hint if hint else ''}",
            Location(file=dataset_name, field=keys[-1]),
            found=first,
            expected="one row per key",
        )
