"""The export's data dictionary (FORM, FIELD, LABEL, TYPE, CODELIST), codelists (CODELIST, CODE, DECODE), titles."""

from __future__ import annotations

import pandas as pd

from cdiscmm.io.collected import CODELIST_COLUMNS, DICTIONARY_COLUMNS, FORM_COLUMNS
from cdiscmm.simulate.forms import Form


def data_dictionary(forms: list[Form]) -> pd.DataFrame:
    """One row per field of every form, in form and field order."""
    rows = [
        (form.name, item.name, item.label, item.type, item.codelist or "") for form in forms for item in form.fields
    ]
    return pd.DataFrame(rows, columns=list(DICTIONARY_COLUMNS))


def form_table(forms: list[Form]) -> pd.DataFrame:
    """One row per form, in form order: its name and title (``forms.csv``)."""
    return pd.DataFrame([(form.name, form.label) for form in forms], columns=list(FORM_COLUMNS))


def codelist_table(forms: list[Form]) -> pd.DataFrame:
    """Every codelist a form uses, sorted by name; terms in codelist order.

    Two forms may bring the same codelist name only with the same terms (else it is a programming error).
    """
    merged: dict[str, dict[str, str]] = {}
    for form in forms:
        for name, terms in form.codelists.items():
            if merged.setdefault(name, terms) != terms:
                raise ValueError(f"codelist {name} differs between forms (form {form.name})")
    rows = [(name, code, decode) for name in sorted(merged) for code, decode in merged[name].items()]
    return pd.DataFrame(rows, columns=list(CODELIST_COLUMNS))
