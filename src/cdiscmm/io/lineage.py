"""The field lineage file ``fields.csv``: where every collected field goes (sdtm writes it, package reads it).

One row per field of each collected form (``cdiscmm.sdtm.coverage``): FORM, FIELD, TARGETS (``; ``-separated:
``AE.AETERM``, ``SUPPAE.AETOCI``, ``USUBJID``, ``selection``, ``not submitted: <reason>``), STATUS (``mapped``,
``not submitted``, ``not mapped``) and WHERE, the value-level condition a Findings result is collected under
(``QSTESTCD = EOR0101``; Define-XML 2.1 §5.3.11 WhereClauseDef), empty where none applies. The format is stated
here once: the sdtm stage names its columns from :data:`FIELD_COLUMNS`, the package stage reads it with
:func:`read_field_lineage`; neither imports the other.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cdiscmm.core.errors import InputError, Location

FIELDS_FILE = "fields.csv"
FIELD_COLUMNS: tuple[str, ...] = ("FORM", "FIELD", "TARGETS", "STATUS", "WHERE")
STATUSES: frozenset[str] = frozenset({"mapped", "not submitted", "not mapped"})
#: Prefix of a TARGETS entry that declares the field not submitted, followed by the reason.
NOT_SUBMITTED = "not submitted: "
TARGET_SEPARATOR = "; "


def read_field_lineage(folder: Path) -> pd.DataFrame:
    """``<folder>/fields.csv`` as text (the columns of :data:`FIELD_COLUMNS`); InputError naming file, line and
    field for a missing column or an unknown STATUS."""
    path = folder / FIELDS_FILE
    if not path.is_file():
        raise InputError("field lineage not found", Location(file=str(path)), expected="the output of `cdiscmm sdtm`")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    missing = [column for column in FIELD_COLUMNS if column not in frame.columns]
    if missing:
        raise InputError(
            "column missing", Location(file=str(path), line=1, field=missing[0]), expected=", ".join(FIELD_COLUMNS)
        )
    unknown = frame.index[~frame["STATUS"].isin(STATUSES)]
    if len(unknown):
        row = int(unknown[0])
        raise InputError(
            f"unknown STATUS {frame.at[row, 'STATUS']!r}",
            Location(file=str(path), line=row + 2, field="STATUS"),
            expected=", ".join(sorted(STATUSES)),
        )
    return frame[list(FIELD_COLUMNS)]
