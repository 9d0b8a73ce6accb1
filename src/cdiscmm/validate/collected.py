"""Collected-data checks from the export's data dictionary, before SDTM: each finding names form, row and field.

The forms are read through :mod:`cdiscmm.io.collected` (every value as text, RAWROW = the CSV data row). The
dictionary gives each field's TYPE (code, date, time, integer, float, text) and CODELIST; dates are written
``DD MON YYYY`` with ``UN``/``UNK`` for an unknown day or month (CDASH 2.x date collection).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cdiscmm.core.distinct import compute_on_distinct
from cdiscmm.io.collected import RAWROW, read_codelists, read_dictionary, read_form
from cdiscmm.validate.catalogue import CheckRun, check
from cdiscmm.validate.checks_records import _concat, is_in, later_than
from cdiscmm.validate.findings import empty_findings

SUBJECT_FIELD = "SUBJID"
_MONTHS = {
    m: f"{i:02d}"
    for i, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=1)
}
_DATE = r"(?P<day>\d{2}|UN) (?P<month>[A-Z]{3}|UNK) (?P<year>\d{4})"
_TIME = r"([01]\d|2[0-3]):[0-5]\d"
_NUMBER = {"integer": r"-?\d+", "float": r"-?\d+(\.\d+)?"}


@dataclass
class Collected:
    """The collected forms of one study export with their dictionary and codelists."""

    forms: dict[str, pd.DataFrame]
    dictionary: pd.DataFrame
    codelists: pd.DataFrame
    folder: Path
    _by_form: dict[tuple[str, str], pd.DataFrame] = dataclasses.field(default_factory=dict, init=False, repr=False)
    _iso: dict[tuple[str, str], pd.Series] = dataclasses.field(default_factory=dict, init=False, repr=False)

    def in_scope(self, rule) -> list[str]:
        names = sorted(self.forms)
        return names if "*" in rule.datasets else [name for name in names if name in rule.datasets]

    def prefix(self, dataset: str) -> str:
        return ""

    def studyid(self) -> str:
        """The STUDYID the forms carry (the first non-empty one), or UNKNOWN."""
        for frame in self.forms.values():
            if "STUDYID" in frame.columns and frame["STUDYID"].ne("").any():
                return str(frame.loc[frame["STUDYID"].ne(""), "STUDYID"].iloc[0])
        return "UNKNOWN"

    def fields(self, form: str, field_type: str) -> pd.DataFrame:
        """Dictionary rows of ``form`` with TYPE ``field_type`` ('*' = all); the dictionary is split by form and by
        form and type once."""
        if not self._by_form:
            for name, rows in self.dictionary.groupby("FORM", sort=False):
                self._by_form[str(name), "*"] = rows
                self._by_form.update({(str(name), str(kind)): part for kind, part in rows.groupby("TYPE", sort=False)})
        return self._by_form.get((form, field_type), self.dictionary.iloc[:0])

    def iso_dates(self, form: str, field: str) -> pd.Series:
        """:func:`iso_dates` of a date field, converted once for every rule that reads it."""
        if (form, field) not in self._iso:
            self._iso[form, field] = iso_dates(self.forms[form][field])
        return self._iso[form, field]


def load_collected(folder: Path, encoding: str = "utf-8") -> Collected:
    """Every form the data dictionary lists, read as exported in the study's declared ``encoding``."""
    dictionary = read_dictionary(folder, encoding)
    forms = {form: read_form(folder, form, encoding) for form in dictionary["FORM"].drop_duplicates()}
    return Collected(forms, dictionary, read_codelists(folder, encoding), folder)


def form_findings(form: str, frame: pd.DataFrame, mask: pd.Series, field: str, detail: str | pd.Series) -> pd.DataFrame:
    """Findings for the rows of ``frame`` where ``mask`` holds: ROW = RAWROW, USUBJID = the collected SUBJID."""
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return empty_findings()
    details = detail[mask] if isinstance(detail, pd.Series) else detail

    def picked(column: str) -> np.ndarray | str:  # the column's values on the rows of mask ('' when absent)
        return frame[column][mask].to_numpy() if column in frame.columns else ""

    return pd.DataFrame(
        {
            "DATASET": form,
            "VARIABLE": field,
            "ROW": frame[RAWROW][mask].to_numpy(),
            "USUBJID": picked(SUBJECT_FIELD),
            "SEQ": np.nan,
            "VALUE": picked(field),
            "DETAIL": np.asarray(details, dtype=object),
        }
    )


def _each_field(run: CheckRun, field_type: str, test) -> pd.DataFrame:
    parts = []
    for form in run.datasets():
        frame = run.delivery.forms[form]
        fields = run.delivery.fields(form, field_type)
        if fields.empty:
            run.skipped.append(f"{form}: no {field_type} field")
            continue
        run.ran_on.append(form)
        for row in fields.itertuples(index=False):  # one pass per dictionary field, vectorised over the rows
            mask, detail = test(frame[row.FIELD], row)
            parts.append(form_findings(form, frame, mask, row.FIELD, detail))
    return _concat(parts)


def _given(values: pd.Series) -> pd.Series:
    return values.ne("")


def _codes(run: CheckRun, name: str) -> pd.Series:
    table = run.delivery.codelists
    return table.loc[table["CODELIST"] == name, "CODE"]


def _not_a_code(values: pd.Series, codes: pd.Series) -> pd.Series:
    """Given values that are not, as written, a code of ``codes``."""
    return _given(values) & ~is_in(values, codes)


@check("collected_codelist", "collected")
def check_collected_codelist(run: CheckRun) -> pd.DataFrame:
    """A coded answer that is not a code of its codelist, not even after trimming spaces and ignoring case."""

    def test(values: pd.Series, row) -> tuple[pd.Series, str]:
        codes = _codes(run, row.CODELIST)
        odd = _not_a_code(values, codes)
        if odd.any():  # only then fold the values
            odd &= ~values.str.strip().str.upper().isin(codes.str.upper())
        return odd, f"not in codelist {row.CODELIST}"

    return _each_field(run, "code", test)


@check("collected_code_spelling", "collected")
def check_collected_code_spelling(run: CheckRun) -> pd.DataFrame:
    """A coded answer that is a code only after trimming spaces or changing case (mapped, but the EDC should fix it)."""

    def test(values: pd.Series, row) -> tuple[pd.Series, str]:
        codes = _codes(run, row.CODELIST)
        odd = _not_a_code(values, codes)
        if odd.any():  # only then fold the values
            odd &= values.str.strip().str.upper().isin(codes.str.upper())
        return odd, "differs from a code in spaces or case"

    return _each_field(run, "code", test)


def iso_dates(values: pd.Series) -> pd.Series:
    """``DD MON YYYY`` (``UN``/``UNK`` unknown parts) as ISO 8601, right-truncated when partial; '' if unparsable."""
    return compute_on_distinct(_iso_dates, values)


def _iso_dates(values: pd.Series) -> pd.Series:
    parts = values.str.strip().str.upper().str.extract(f"^{_DATE}$")
    month = parts["month"].map(_MONTHS)
    day = parts["day"].where(parts["day"].ne("UN"))
    iso = parts["year"].fillna("")
    iso = iso.where(month.isna(), iso + "-" + month.fillna(""))
    return iso.where(day.isna() | month.isna(), iso + "-" + day.fillna("")).fillna("")


@check("collected_date", "collected")
def check_collected_date(run: CheckRun) -> pd.DataFrame:
    """A date that is not ``DD MON YYYY`` (``params.partial``: report the valid partial ones instead)."""
    partial = run.rule.params.get("partial", False)

    def test(values: pd.Series, row) -> tuple[pd.Series, str]:
        iso = run.delivery.iso_dates(row.FORM, row.FIELD)
        if partial:
            return _given(values) & iso.ne("") & iso.str.len().lt(10), "partial date"
        return _given(values) & iso.eq(""), "not DD MON YYYY"

    return _each_field(run, "date", test)


@check("collected_format", "collected")
def check_collected_format(run: CheckRun) -> pd.DataFrame:
    """A value that does not have its field's type: ``params.type`` integer, float or time (HH:MM)."""
    kind = run.rule.params["type"]
    pattern = _TIME if kind == "time" else _NUMBER[kind]
    return _each_field(run, kind, lambda values, row: (_given(values) & ~values.str.fullmatch(pattern), f"not {kind}"))


@check("collected_text_bytes", "collected")
def check_collected_text_bytes(run: CheckRun) -> pd.DataFrame:
    """Free text longer than 200 bytes of UTF-8 (SDTM splits it into SUPP-- --TERM1...; EDC limits differ)."""

    def test(values: pd.Series, row) -> tuple[pd.Series, pd.Series]:
        size = pd.Series(  # UTF-8 bytes of each value, one Arrow kernel (no per-value encoding in Python)
            pc.binary_length(pa.array(values.fillna(""), type=pa.large_string())).to_numpy(), index=values.index
        )
        return size > run.rule.params.get("max_bytes", 200), size.astype(str) + " bytes"

    return _each_field(run, "text", test)


@check("collected_spaces", "collected")
def check_collected_spaces(run: CheckRun) -> pd.DataFrame:
    """A value with leading or trailing spaces."""
    return _each_field(run, "*", lambda values, row: (values.ne(values.str.strip()), "leading/trailing space"))


@check("collected_text_case", "collected")
def check_collected_text_case(run: CheckRun) -> pd.DataFrame:
    """Free text spelt with other letter case than the most frequent spelling of the same text in the field."""

    def test(values: pd.Series, row) -> tuple[pd.Series, pd.Series]:
        stripped = values.str.strip()
        folded = stripped.str.lower()
        given = _given(stripped)
        if stripped[given].nunique() == folded[given].nunique():  # one spelling of every text: nothing to report
            return pd.Series(False, index=values.index), ""
        spellings = pd.DataFrame({"folded": folded[given], "spelling": stripped[given]}).value_counts()
        most_frequent = spellings.reset_index().drop_duplicates("folded").set_index("folded")["spelling"]
        usual = folded.map(most_frequent).fillna(stripped)
        mask = _given(stripped) & stripped.ne(usual)
        detail = pd.Series("", index=values.index, dtype=object)  # the text only for the values reported
        detail[mask.to_numpy(dtype=bool)] = "usually spelt " + usual[mask]
        return mask, detail

    return _each_field(run, "text", test)


@check("collected_duplicate_row", "collected")
def check_collected_duplicate_row(run: CheckRun) -> pd.DataFrame:
    """A row identical in every field to an earlier row of the form."""
    parts = []
    for form in run.datasets():
        frame = run.delivery.forms[form]
        run.ran_on.append(form)
        fields = [column for column in frame.columns if column != RAWROW]
        parts.append(form_findings(form, frame, frame.duplicated(fields), "", "duplicate of an earlier row"))
    return _concat(parts)


@check("collected_end_before_start", "collected")
def check_collected_end_before_start(run: CheckRun) -> pd.DataFrame:
    """An end date (``..ENDAT``) before the start date (``..STDAT``) of the same prefix on the same row."""
    parts = []
    for form in run.datasets():
        frame = run.delivery.forms[form]
        dates = set(run.delivery.fields(form, "date")["FIELD"])
        pairs = [
            (f, f.replace("STDAT", "ENDAT"))
            for f in sorted(dates)
            if "STDAT" in f and f.replace("STDAT", "ENDAT") in dates
        ]
        if not pairs:
            run.skipped.append(f"{form}: no --STDAT/--ENDAT pair")
            continue
        run.ran_on.append(form)
        for start, end in pairs:
            before = later_than(run.delivery.iso_dates(form, start), run.delivery.iso_dates(form, end))
            parts.append(form_findings(form, frame, before, end, start + " " + frame[start]))
    return _concat(parts)


@check("collected_value_equals", "collected")
def check_collected_value_equals(run: CheckRun) -> pd.DataFrame:
    """Rows whose field ``variables[0]`` equals ``params.value`` (e.g. an unscheduled visit)."""
    field, value = run.rule.variables[0], run.rule.params["value"]
    parts = []
    for form in run.datasets():
        frame = run.delivery.forms[form]
        if field not in frame.columns:
            run.skipped.append(f"{form}: no {field} field")
            continue
        run.ran_on.append(form)
        parts.append(form_findings(form, frame, frame[field].str.strip().eq(value), field, value))
    return _concat(parts)


@check("collected_required", "collected")
def check_collected_required(run: CheckRun) -> pd.DataFrame:
    """A row without one of the identifying fields ``variables`` (study, site, subject)."""
    parts = []
    for form in run.datasets():
        frame = run.delivery.forms[form]
        run.ran_on.append(form)
        for field in (f for f in run.rule.variables if f in frame.columns):
            parts.append(form_findings(form, frame, frame[field].str.strip().eq(""), field, "blank"))
    return _concat(parts)
