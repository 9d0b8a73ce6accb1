"""The ADaM stage's input: a folder of SDTM XPT files (ours or anyone's), read into DataFrames.

- Every ``*.xpt`` directly in the folder is read (names case-insensitive: ``dm.xpt`` and ``DM.XPT`` both
  give ``DM``); sub-folders such as the local-language copies (``ja/``) are not read. A folder without XPT files
  is read from its Dataset-JSON files (``*.json`` but ``metadata.json``), as ``--format json`` writes them.
- Character values: SAS has no missing character value, XPT stores blanks. A value that is ``''`` after
  reading becomes missing (NaN of pandas' ``str`` dtype), so ``isna()`` means "missing" for character
  and numeric variables alike. Numeric variables with a SAS date format arrive as ``datetime64``.
- Each ``SUPP--`` is merged into its parent (:func:`combine_supp`), one column per QNAM, and is not kept
  as a dataset of its own; a SUPP-- without its parent stays as it is.
- A dataset is read when a derivation first asks for it (:class:`SdtmData`), so an unreadable file of a
  dataset no derivation uses is not an error.

:func:`require` is how a derivation states what it reads: a missing dataset or SDTMIG Required or Expected
variable is an :class:`InputError` naming the dataset, the variable and the folder; a missing Permissible
variable is a note and an all-missing column (:mod:`cdiscmm.adam.fallbacks`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path

import pandas as pd

from cdiscmm.adam.fallbacks import absent_column, absent_optional, fallback_text
from cdiscmm.core import progress
from cdiscmm.core.distinct import compute_on_distinct
from cdiscmm.core.errors import InputError, Location
from cdiscmm.io.datasetjson import read_dataset_json
from cdiscmm.io.metadata import METADATA_FILE
from cdiscmm.io.xpt.read import XptContent, read_xpt, read_xpt_blocks

SUPP_PREFIX = "SUPP"
SUPP_KEYS: tuple[str, ...] = ("USUBJID", "IDVAR", "IDVARVAL", "QNAM", "QVAL")


class SdtmData(Mapping[str, pd.DataFrame]):
    """SDTM datasets by upper-case name, remembering the folder they were read from (for messages).

    A dataset given as a file is read on first use and kept: ADaM reads only the SDTM its derivations ask
    for, so a study's LB or QS costs nothing when no ADaM dataset reads it.
    """

    def __init__(
        self,
        datasets: Mapping[str, pd.DataFrame] | None = None,
        folder: Path | None = None,
        files: Mapping[str, tuple[Path, Path | None]] | None = None,
    ) -> None:
        self._frames = dict(datasets or {})
        self._files = dict(files or {})
        self.folder = folder

    @property
    def files(self) -> dict[str, tuple[Path, Path | None]]:
        """Dataset name -> (its file, its SUPP-- file or None), for the datasets given as files."""
        return dict(self._files)

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._frames and name in self._files:
            self._frames[name] = _read_dataset(*self._files[name])
        return self._frames[name]

    def columns(self, name: str, columns: Sequence[str]) -> pd.DataFrame:
        """Dataset ``name`` with only those of ``columns`` it has (file order), blanks as missing: an XPT file
        without a SUPP-- is decoded for those columns alone, block by block (so the file's bytes are never held
        whole, :func:`cdiscmm.io.xpt.read.read_xpt_blocks`), and not kept; otherwise the dataset is cut."""
        file, supp = self._files.get(name, (None, None))
        if name in self._frames or file is None or supp is not None or file.suffix.lower() != ".xpt":
            frame = self[name]
            return frame[[column for column in frame.columns if column in columns]]
        return blank_to_missing(pd.concat(read_xpt_blocks(file, list(columns)), ignore_index=True))

    def __contains__(self, name: object) -> bool:
        return name in self._frames or name in self._files

    def __iter__(self) -> Iterator[str]:
        return iter([*self._frames, *(name for name in self._files if name not in self._frames)])

    def __len__(self) -> int:
        return len(set(self._frames) | set(self._files))


def blank_to_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """Character columns with ``''`` become missing; other columns are left as read."""
    text = [name for name in frame.columns if pd.api.types.is_string_dtype(frame[name])]
    return frame.assign(**{name: frame[name].mask(frame[name].eq("")) for name in text})


def _where(datasets: Mapping[str, pd.DataFrame], name: str) -> str:
    folder = getattr(datasets, "folder", None)
    return str(Path(folder) / f"{name.lower()}.xpt") if folder else name


def _supp_key_column(parent: pd.DataFrame, idvar: str, values: pd.Series) -> pd.Series:
    """IDVARVAL as the type of the parent's IDVAR column (numeric --SEQ, or text such as --GRPID)."""
    if pd.api.types.is_numeric_dtype(parent[idvar]):  # parsed once per distinct IDVARVAL (a --SEQ repeats)
        return compute_on_distinct(partial(pd.to_numeric, errors="coerce"), values)
    return values.astype(parent[idvar].dtype)


def supp_qnams(supp: pd.DataFrame) -> list[str]:
    """The QNAM columns :func:`combine_supp` adds for ``supp`` (IDVAR and QNAM suffice), in its order: by IDVAR in
    order of first appearance, the QNAMs of each sorted (a pivot's columns), each QNAM once."""
    idvars = supp["IDVAR"].fillna("")
    found = [sorted(supp.loc[idvars.eq(idvar), "QNAM"].dropna().unique()) for idvar in idvars.unique()]
    return list(dict.fromkeys(qnam for group in found for qnam in group))


def combine_supp(
    parent: pd.DataFrame, supp: pd.DataFrame, name: str = "SUPP--", qnams: Sequence[str] | None = None
) -> pd.DataFrame:
    """``parent`` with one column per SUPP-- QNAM holding QVAL (metatools ``combine_supp``).

    Records are matched on USUBJID and, when IDVAR is given, on the parent's IDVAR column equal to
    IDVARVAL (numeric IDVARs compared as numbers, so ``"3"`` matches 3.0); an empty IDVAR is a
    subject-level qualifier (SUPPDM). A QNAM that is already a parent column, or a key with two values
    for one QNAM, is an InputError naming ``name``. ``qnams``, when ``supp`` holds some subjects' records of a
    SUPP-- only: the whole SUPP--'s QNAM columns (:func:`supp_qnams`), which then come out in that order, a QNAM
    these records lack all missing, as when combining the whole SUPP-- and keeping these subjects.
    """
    missing = [key for key in SUPP_KEYS if key not in supp.columns]
    if missing:
        raise InputError(f"{name} has no variable {missing[0]}", Location(file=name, field=missing[0]))
    clash = sorted(set(supp["QNAM"].dropna().unique()) & set(parent.columns))
    if clash:
        raise InputError(
            f"{name} QNAM {clash[0]} is already a variable of the parent dataset",
            Location(file=name, field="QNAM"),
            expected="QNAM values that are not parent variable names",
        )
    twice = supp.duplicated(["USUBJID", "IDVAR", "IDVARVAL", "QNAM"], keep=False)
    if twice.any():
        found = supp.loc[twice, ["USUBJID", "IDVAR", "IDVARVAL", "QNAM"]].iloc[0].to_dict()
        raise InputError(
            f"{name} has two values for one record and QNAM", Location(file=name, field="QNAM"), found=found
        )
    result = parent
    idvars = supp["IDVAR"].fillna("")
    for idvar in idvars.unique():
        rows = supp.loc[idvars.eq(idvar)]
        keys = ["USUBJID"] if idvar == "" else ["USUBJID", idvar]
        if idvar and idvar not in parent.columns:
            raise InputError(f"{name} IDVAR {idvar} is not a variable of the parent dataset", Location(file=name))
        rows = rows.assign(**({} if idvar == "" else {idvar: _supp_key_column(parent, idvar, rows["IDVARVAL"])}))
        wide = rows.pivot(index=keys, columns="QNAM", values="QVAL").reset_index().rename_axis(columns=None)
        merged = result.merge(wide, on=keys, how="left", suffixes=("", "__supp"), validate="many_to_one")
        for qnam in [column for column in wide.columns if f"{column}__supp" in merged.columns]:
            merged[qnam] = merged[qnam].fillna(merged.pop(f"{qnam}__supp"))
        result = merged
    if qnams is None:
        return result
    absent = {qnam: pd.Series(index=result.index, dtype=supp["QVAL"].dtype) for qnam in qnams if qnam not in result}
    return result.assign(**absent)[[*parent.columns, *qnams]]


def _read(file: Path) -> XptContent:
    """An SDTM file as read_xpt returns it, whether XPT or Dataset-JSON (``--format json``)."""
    return read_dataset_json(file) if file.suffix.lower() == ".json" else read_xpt(file)


def _read_dataset(file: Path, supp: Path | None) -> pd.DataFrame:
    """One dataset file, blanks as missing, with its SUPP-- file (if any) merged in."""
    frame = blank_to_missing(_read(file).data)
    if supp is None:
        return frame
    return combine_supp(frame, blank_to_missing(_read(supp).data), str(supp))


def read_sdtm_folder(path: Path) -> SdtmData:
    """The SDTM datasets of folder ``path``, each read on first use, SUPP-- merged into its parent (module notes)."""
    if not path.is_dir():
        raise InputError("SDTM folder not found", Location(file=str(path)), expected="a folder of SDTM .xpt files")
    files = sorted(file for file in path.iterdir() if file.is_file() and file.suffix.lower() == ".xpt")
    if not files:  # a folder written with --format json: its Dataset-JSON files
        files = sorted(file for file in path.glob("*.json") if file.name != METADATA_FILE)
    if not files:
        raise InputError(
            "no .xpt files in the SDTM folder",
            Location(file=str(path)),
            expected="SDTM .xpt files, or the Dataset-JSON .json files `--format json` writes",
        )
    found: dict[str, Path] = {}
    for file in files:
        name = file.stem.upper()
        if name in found:
            raise InputError(f"two files for dataset {name}", Location(file=str(file)), expected="one file per dataset")
        found[name] = file
    supps = {name for name in found if name.startswith(SUPP_PREFIX) and name[len(SUPP_PREFIX) :] in found}
    datasets = {
        name: (file, found.get(SUPP_PREFIX + name) if SUPP_PREFIX + name in supps else None)
        for name, file in found.items()
        if name not in supps
    }
    return SdtmData(folder=path, files=datasets)


def require(datasets: Mapping[str, pd.DataFrame], name: str, variables: Sequence[str]) -> pd.DataFrame:
    """Dataset ``name``, which must exist and have ``variables``; otherwise InputError naming both (and the folder).

    A variable SDTMIG lets a conformant delivery leave out (:func:`~cdiscmm.adam.fallbacks.is_optional`) is
    not an error: it is added all-missing, with a note saying what the derivations do without it.
    """
    where = _where(datasets, name)
    if name not in datasets:
        folder = getattr(datasets, "folder", None)
        raise InputError(
            f"SDTM dataset {name} is missing",
            Location(file=str(folder) if folder else None),
            expected=f"{name.lower()}.xpt with {', '.join(variables)}" if variables else f"{name.lower()}.xpt",
        )
    missing = [variable for variable in variables if variable not in datasets[name].columns]
    absent = absent_optional(datasets, name, missing)
    required = [variable for variable in missing if variable not in absent]
    if required:
        raise InputError(
            f"SDTM {name} has no variable {', '.join(required)}",
            Location(file=where, field=required[0]),
            expected=f"{name}.{required[0]} (needed for ADaM)",
        )
    for variable in absent:
        progress.info(f"note: SDTM {name}.{variable} not in the input; {fallback_text(f'{name}.{variable}')}")
    frame = datasets[name]
    if not absent:
        return frame
    return frame.assign(**{variable: absent_column(name, variable, frame.index) for variable in absent})


def optional(
    datasets: Mapping[str, pd.DataFrame], name: str, variables: Sequence[str], consequence: str
) -> pd.DataFrame | None:
    """Dataset ``name`` when it exists with ``variables``; else None and a note ending with ``consequence``.

    ``consequence`` says what the derivation does without it, e.g. "PRIORLN left missing".
    """
    frame = datasets.get(name)
    missing = [] if frame is None else [variable for variable in variables if variable not in frame.columns]
    if frame is None or missing:
        what = f"SDTM {name}" if frame is None else f"SDTM {name}.{missing[0]}"
        progress.info(f"note: {what} not in the input; {consequence}")
        return None
    return frame
