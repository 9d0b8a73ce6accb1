"""Property: any dataset the writer accepts reads back equal through pyreadstat and pandas.read_sas, passes the
strict checker and reads back the same from Dataset-JSON (multi-byte text, missing values, SAS dates and
datetimes, extreme and tiny floats)."""

from datetime import date, datetime
from pathlib import Path
from tempfile import TemporaryDirectory

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cdiscmm.io.datasetjson import read_dataset_json, write_dataset_json
from cdiscmm.io.xpt.check import check_xpt
from cdiscmm.io.xpt.ibm import IBM_MAX, IBM_MIN
from cdiscmm.io.xpt.read import read_xpt
from cdiscmm.io.xpt.write import write_xpt
from cdiscmm.metadata.model import Dataset, DatasetMeta, VariableMeta

#: Text as XPT keeps it: no control characters or surrogates, no trailing blanks (blank padding), ≤ 200 bytes.
TEXT = (
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30)
    .map(lambda text: text.rstrip(" "))
    .filter(lambda text: len(text.encode("utf-8")) <= 200)
)
NUMBER = st.one_of(
    st.just(0.0),
    st.just(np.nan),
    st.sampled_from([IBM_MIN, -IBM_MIN, IBM_MAX, -IBM_MAX, 2.0**-52, 1 - 2.0**-53]),
    st.floats(min_value=-IBM_MAX, max_value=IBM_MAX).filter(lambda value: value == 0 or abs(value) >= IBM_MIN),
)
DAY = st.one_of(st.none(), st.dates(min_value=date(1700, 1, 1), max_value=date(2200, 12, 31)))
MOMENT = st.one_of(
    st.none(),
    st.datetimes(min_value=datetime(1700, 1, 1), max_value=datetime(2200, 12, 31)).map(
        lambda moment: moment.replace(microsecond=0)
    ),
)
ROW = st.tuples(TEXT, NUMBER, DAY, MOMENT)
META = DatasetMeta(
    name="QS",
    label="Questionnaires",
    **{"class": "FINDINGS"},
    standard="SDTMIG 3.4",
    variables=[
        VariableMeta(name="STUDYID", label="Study Identifier", type="Char", order=0),
        VariableMeta(name="QSORRES", label="Finding in Original Units", type="Char", order=1),
        VariableMeta(name="QSSTRESN", label="Numeric Finding in Standard Units", type="Num", order=2),
        VariableMeta(name="QSDT", label="Date", type="Num", order=3, display_format="DATE9."),
        VariableMeta(name="QSDTM", label="Datetime", type="Num", order=4, display_format="DATETIME20."),
    ],
)


#: Makes an observation longer than 80 bytes: pandas.read_sas guesses the row count of shorter observations from
#: blank 8-byte words anywhere in the last record (pandas/io/sas/sas_xport.py ``_record_count``) and drops rows
#: when a value is blank; pyreadstat counts exactly (tests/io/xpt/test_readers.py covers short observations).
STUDYID = "Q" * 60


def frame(rows: list[tuple[str, float, date | None, datetime | None]]) -> pd.DataFrame:
    text, numbers, days, moments = zip(*rows, strict=True) if rows else ([], [], [], [])
    return pd.DataFrame(
        {
            "STUDYID": STUDYID,
            "QSORRES": pd.Series(text, dtype=object),
            "QSSTRESN": pd.Series(numbers, dtype=float),
            "QSDT": pd.to_datetime(pd.Series(days, dtype=object)).astype("datetime64[s]"),
            "QSDTM": pd.to_datetime(pd.Series(moments, dtype=object)).astype("datetime64[s]"),
        }
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(ROW, max_size=12))
def test_written_datasets_read_back_equal(rows: list[tuple[str, float, date | None, datetime | None]]) -> None:
    data = frame(rows)
    with TemporaryDirectory() as folder:
        path = write_xpt(Dataset(META, data), Path(folder) / "qs.xpt")
        ascii_only = all(text.isascii() for text in data["QSORRES"])
        assert check_xpt(path, ascii_only=ascii_only) == []
        back = read_xpt(path).data
        via_json = read_dataset_json(write_dataset_json(Dataset(META, data), Path(folder) / "qs.json")).data
        # pandas.read_sas raises StopIteration on a dataset of no rows (its reader, not the file: see the checker)
        other = pd.read_sas(path, format="xport", encoding="utf-8") if rows else data.iloc[:0]
    assert back["QSORRES"].tolist() == data["QSORRES"].tolist() == other["QSORRES"].fillna("").tolist()
    numbers = data["QSSTRESN"].to_numpy()
    np.testing.assert_array_equal(back["QSSTRESN"].to_numpy(dtype=float), numbers)
    # pandas reads the IBM zero as 16^-65 (pandas-dev/pandas#50670)
    np.testing.assert_array_equal(other["QSSTRESN"].to_numpy(dtype=float), np.where(numbers == 0, 16.0**-65, numbers))
    for name, unit in (("QSDT", "D"), ("QSDTM", "s")):
        expected = ((data[name] - pd.Timestamp("1960-01-01")) / pd.Timedelta(1, unit)).to_numpy(na_value=np.nan)
        np.testing.assert_array_equal(other[name].to_numpy(dtype=float), np.where(expected == 0, 16.0**-65, expected))
        seen = back[name].astype("datetime64[s]") if len(back) else back[name]
        assert seen.isna().tolist() == data[name].isna().tolist()
        assert (seen.dropna() == data[name].dropna()).all()
        assert via_json[name].astype("datetime64[s]").equals(seen.astype("datetime64[s]"))
    assert via_json["QSORRES"].tolist() == data["QSORRES"].tolist()
    np.testing.assert_array_equal(via_json["QSSTRESN"].to_numpy(dtype=float), numbers)
