"""Write and read ``metadata.json``: the SubmissionMetadata of a folder of datasets, written beside them.

What is written is the model the datasets were built from (dataset and variable metadata as the stage left
them) plus every codelist a variable or value level names, with the terms the data use: a CT term is kept when
a value of the data is that term; a value outside an *extensible* codelist is added as a sponsor extension
(a term without NCI code: Define-XML 2.1 def:ExtendedValue, section 5.3.12.1). A codelist none of whose
values occurs keeps all its terms. Values outside a non-extensible codelist are not added: they are data
errors that the validation stage reports (CT2001), and define shows the codelist as CDISC publishes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import ValidationError

from cdiscmm.core.errors import InputError, Location
from cdiscmm.io.spill import SpilledDataset
from cdiscmm.metadata.model import (
    Codelist,
    Dataset,
    DatasetMeta,
    SubmissionMetadata,
    Term,
    VariableMeta,
    WhereCondition,
)
from cdiscmm.metadata.standards import all_codelists
from cdiscmm.metadata.terminology import CodelistRegistry

METADATA_FILE = "metadata.json"


def text_values(column: pd.Series) -> pd.Series:
    """A column as text the way a codelist states values: strings as they are, whole numbers without '.0'."""
    if pd.api.types.is_numeric_dtype(column):
        numbers = pd.to_numeric(column, errors="coerce")
        whole = numbers.notna() & (numbers == numbers.round())
        text = numbers.astype("string")
        return text.mask(whole, numbers.where(whole).astype("Int64").astype("string"))
    return column.astype("string")


class WhereRows:
    """The rows of one frame where Define-XML where clauses hold (section 5.3.7: conditions are ANDed; EQ/NE/IN/
    NOTIN compare text, LT/LE/GT/GE compare numbers; a missing column matches no row).

    A column a text condition tests is factorised once, at its first use: each clause is then a look-up among the
    column's distinct values and one take over the rows (a study's hundreds of value levels on QSTESTCD test the
    same column; ``Series.isin`` on Arrow text would go through every value in Python each time)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._codes: dict[str, tuple[np.ndarray, pd.Index]] = {}

    def _text(self, name: str, values: list[str]) -> np.ndarray:
        if name not in self._codes:
            codes, distinct = pd.factorize(text_values(self.frame[name]))
            self._codes[name] = (codes, pd.Index(distinct))
        codes, distinct = self._codes[name]
        return np.append(distinct.isin(values), False)[codes]  # code -1 (missing) takes the appended False

    def mask(self, where: Iterable[WhereCondition]) -> pd.Series:
        """True on the rows of the frame where every condition of ``where`` holds."""
        mask = np.ones(len(self.frame), dtype=bool)
        for condition in where:
            if condition.variable not in self.frame.columns:
                return pd.Series(False, index=self.frame.index)
            if condition.comparator in ("EQ", "IN", "NE", "NOTIN"):
                found = self._text(condition.variable, condition.values)
                mask &= found if condition.comparator in ("EQ", "IN") else ~found
            else:
                numbers = pd.to_numeric(self.frame[condition.variable], errors="coerce")
                limit = float(condition.values[0])
                compare = {"LT": numbers.lt, "LE": numbers.le, "GT": numbers.gt, "GE": numbers.ge}
                mask &= compare[condition.comparator](limit).fillna(False).to_numpy(dtype=bool)
        return pd.Series(mask, index=self.frame.index)


#: SDTMIG 3.4 section 4.5.1: a result qualifier holds the results of many tests; a codelist the IG names for it
#: (e.g. LBSTRESC C102580) governs the results of some tests only, so it applies at value level, never to the column.
RESULT_QUALIFIER = "Result Qualifier"


def variable_codelist(variable: VariableMeta) -> str | None:
    """The codelist that governs every value of the variable (None for a result qualifier, see above)."""
    return None if variable.role == RESULT_QUALIFIER else variable.codelist


def _present(column: pd.Series) -> set[str]:
    text = text_values(column)
    return set(text[text.notna() & text.ne("")].unique())


def _used_values(datasets: Iterable[Dataset]) -> dict[str, set[str]]:
    """Codelist code -> the values of the data that the codelist governs (variable or value level)."""
    used: dict[str, set[str]] = {}
    for dataset in datasets:
        where = WhereRows(dataset.data)
        for variable in dataset.meta.variables:
            if variable.name not in dataset.data.columns:
                continue
            column = dataset.data[variable.name]
            if variable_codelist(variable):
                used.setdefault(variable.codelist, set()).update(_present(column))
            for level in variable.value_level:
                if level.codelist:
                    rows = where.mask(level.where)
                    used.setdefault(level.codelist, set()).update(_present(column[rows]))
    return used


def used_codelists(datasets: Iterable[Dataset], registry: CodelistRegistry) -> list[Codelist]:
    """Every codelist the datasets name, reduced to the terms their data use (see the module docstring)."""
    return reduced_codelists(_used_values(datasets), registry)


def reduced_codelists(used: dict[str, set[str]], registry: CodelistRegistry) -> list[Codelist]:
    """Each codelist of ``used`` (code -> the values the data hold) reduced to the terms used, see above."""
    result: list[Codelist] = []
    for code in sorted(used):
        codelist = registry.get(code)
        values = used[code]
        kept = [term for term in codelist.terms if term.submission_value in values] if values else codelist.terms
        extra = sorted(values - set(codelist.values())) if codelist.extensible else []
        terms = kept + [Term(submission_value=value) for value in extra]
        result.append(codelist.model_copy(update={"terms": terms or codelist.terms}))
    return result


_PACKAGE = re.compile(r"^(?P<name>.+?) (?P<version>\d{4}-\d{2}-\d{2})$")


def terminology_versions(codelists: Iterable[Codelist]) -> dict[str, str]:
    """CT package name -> version of the codelists' sources, e.g. {'SDTM CT': '2025-03-28'} (sponsor left out)."""
    versions: dict[str, str] = {}
    for codelist in codelists:
        found = _PACKAGE.match(codelist.source)
        if found:
            versions[found["name"]] = found["version"]
    return dict(sorted(versions.items()))


def _studyids(dataset: Dataset) -> set[str]:
    if "STUDYID" not in dataset.data.columns:
        return set()
    return {str(value) for value in dataset.data["STUDYID"].dropna().unique()}


def _read_columns(meta: DatasetMeta) -> list[str]:
    """The columns this module reads of a dataset: STUDYID, the variables a codelist governs (at variable or value
    level) and the variables of their value-level conditions, in metadata order."""
    wanted = {"STUDYID"}
    for variable in meta.variables:
        if variable_codelist(variable):
            wanted.add(variable.name)
        for level in variable.value_level:
            if level.codelist:
                wanted |= {variable.name, *(condition.variable for condition in level.where)}
    return [name for name in meta.names() if name in wanted]


def _records(datasets: Iterable[Dataset | SpilledDataset]) -> Iterator[Dataset]:
    """The datasets in memory as they are; a spilled one piece by piece, only the columns read here."""
    for dataset in datasets:
        if isinstance(dataset, Dataset):
            yield dataset
        else:
            for frame in dataset.frames(_read_columns(dataset.meta)):
                yield Dataset(dataset.meta, frame)


def _studyid(values: set[str], folder: Path) -> str:
    if len(values) != 1:
        raise InputError(
            "the datasets must hold exactly one STUDYID", Location(file=str(folder), field="STUDYID"), found=values
        )
    return values.pop()


def submission_metadata(
    datasets: Iterable[Dataset | SpilledDataset], folder: Path, registry: CodelistRegistry | None = None
) -> SubmissionMetadata:
    """The SubmissionMetadata of ``datasets`` (one study, one standard), with the codelists their data use; a
    spilled dataset (:mod:`cdiscmm.io.spill`) is read a piece at a time."""
    datasets = list(datasets)
    standards = sorted({dataset.meta.standard for dataset in datasets})
    if len(standards) != 1:
        raise InputError("one folder holds datasets of one standard", Location(file=str(folder)), found=standards)
    used: dict[str, set[str]] = {}
    studyids: set[str] = set()
    for records in _records(datasets):
        for code, values in _used_values([records]).items():
            used.setdefault(code, set()).update(values)
        studyids |= _studyids(records)
    codelists = reduced_codelists(used, registry or all_codelists())
    return SubmissionMetadata(
        studyid=_studyid(studyids, folder),
        standard=standards[0],
        terminology=terminology_versions(codelists),
        datasets=[dataset.meta for dataset in datasets],
        codelists=codelists,
    )


def write_metadata(datasets: Iterable[Dataset | SpilledDataset], folder: Path) -> Path:
    """Write ``folder/metadata.json`` for ``datasets`` (UTF-8); return its path."""
    metadata = submission_metadata(datasets, folder)
    path = folder / METADATA_FILE
    path.write_text(metadata.model_dump_json(by_alias=True, indent=1, exclude_defaults=True) + "\n", encoding="utf-8")
    return path


def read_metadata(folder: Path) -> SubmissionMetadata:
    """Read ``folder/metadata.json``; InputError naming the file and the first bad field when it does not fit."""
    return read_metadata_file(folder / METADATA_FILE)


def read_metadata_file(path: Path) -> SubmissionMetadata:
    """Read the metadata.json at ``path`` (:func:`read_metadata`, the file named apart from its datasets' folder)."""
    if not path.is_file():
        raise InputError("file not found", Location(file=str(path)), expected="the metadata.json a stage writes")
    try:
        return SubmissionMetadata.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        problem = exc.errors()[0]
        field = ".".join(str(part) for part in problem["loc"])
        raise InputError(problem["msg"], Location(file=str(path), field=field)) from None
