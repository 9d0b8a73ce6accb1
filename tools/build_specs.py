"""Build the standard metadata of ``specs/`` from the CDISC reference files; the project then needs only ``specs/``.

Run from the repository root::

    python -m tools.build_specs --standards ../shared/reference/standards --out specs

Rules (the reference files are described in ``standards/README.md``; every file is read with
``dtype=str, keep_default_na=False, encoding="utf-8-sig"`` so that e.g. NY's ``NA`` stays a value):

- SDTMIG 3.4: the dataset and variable rows of :data:`SDTM_DATASETS`, sorted by dataset and variable order.
- SDTM CT 2025-03-28: whole codelists (codelist row and every term) for each codelist referenced by an
  SDTMIG variable of :data:`SDTM_DATASETS`, each code of :data:`EXTRA_SDTM_CODELISTS`, and each SDTM
  codelist an ADaM variable references. A code that is not in the CT, or whose short name differs from
  the one stated here, stops the build.
- ADaM CT 2025-09-26, ADaMIG 1.3 variables and structures, ADAE 1.0 variables: whole files; variables
  keep the IG's order (recorded in an ``order`` column).

Output is byte-stable: UTF-8 without BOM, ``\\n`` line ends, a fixed sort, and ``SOURCES.md`` holds no
path or time of the build.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cdiscmm.core.errors import CdiscmmError, Location, SpecError
from cdiscmm.core.paths import specs_dir
from cdiscmm.metadata import standards
from cdiscmm.metadata.terminology import CT_COLUMNS

#: Every SDTM dataset cdiscmm produces (docs/data-model.md), trial design included.
SDTM_DATASETS: tuple[str, ...] = (
    "DM", "AE", "RS", "EX", "DS", "TS", "QS", "HO", "CM", "MH", "PR", "DD", "LB", "SS",
    "SUPPQUAL", "RELREC", "TA", "TE", "TI", "TV", "SE", "SV",
)  # fmt: skip

#: SDTM codelists cdiscmm uses as values, beyond those the IG variables name: code -> (short name, why).
#: Some are also IG-referenced; they are listed here because a mapping depends on them by name.
EXTRA_SDTM_CODELISTS: dict[str, tuple[str, str]] = {
    "C100129": ("QSCAT", "QS.QSCAT: EORTC QLQ-C30 V3.0, EORTC QLQ-MY20, EQ-5D-5L"),
    "C161619": ("EOR01TC", "QS.QSTESTCD of the QLQ-C30 items (EOR0101-EOR0130) and scales"),
    "C161618": ("EOR01TN", "QS.QSTEST of the QLQ-C30 items and scales"),
    "C101817": ("EQ5D02TC", "QS.QSTESTCD of the EQ-5D-5L items (EQ5D0201-EQ5D0206)"),
    "C101818": ("EQ5D02TN", "QS.QSTEST of the EQ-5D-5L items"),
    "C96785": ("ONCRSR", "RS.RSORRES/RSSTRESC: IMWG response sCR, CR, VGPR, PR, MR, SD, PD, NE"),
    "C96782": ("ONCRTSCD", "RS.RSTESTCD OVRLRESP"),
    "C96781": ("ONCRTS", "RS.RSTEST Overall Response"),
    "C124298": ("ONCRSCAT", "RS.RSCAT KUMAR IMWG 2016"),
    "C101815": ("ECOG1TC", "RS.RSTESTCD ECOG101 (ECOG performance status)"),
    "C101816": ("ECOG1TN", "RS.RSTEST of ECOG101"),
    "C179943": ("ECOG101OR", "RS.RSORRES of ECOG101"),
    "C179944": ("ECOG101STR", "RS.RSSTRESC of ECOG101"),
    "C65047": ("LBTESTCD", "LB.LBTESTCD of the myeloma response tests (whole codelist)"),
    "C67154": ("LBTEST", "LB.LBTEST of the myeloma response tests (whole codelist)"),
    "C66738": ("TSPARMCD", "TS.TSPARMCD"),
    "C67152": ("TSPARM", "TS.TSPARM"),
    "C99077": ("STYPE", "TS.TSVAL of STYPE"),
    "C127259": ("OBSSMO", "TS.TSVAL of OBSMODEL"),
    "C127261": ("OBSSTP", "TS.TSVAL of OBSTIMP"),
    "C127260": ("OBSSSM", "TS.TSVAL of OBSTSMM"),
    "C66737": ("TPHASE", "TS.TSVAL of TPHASE"),
    "C66739": ("TTYPE", "TS.TSVAL of TTYPE"),
    "C66736": ("TINDTP", "TS.TSVAL of TINDTP"),
    "C66735": ("TBLIND", "TS.TSVAL of TBLIND"),
    "C66785": ("TCNTRL", "TS.TSVAL of TCNTRL"),
    "C99076": ("INTMODEL", "TS.TSVAL of INTMODEL"),
    "C99078": ("INTTYPE", "TS.TSVAL of INTTYPE"),
    "C66732": ("SEXPOP", "TS.TSVAL of SEXPOP"),
    "C66788": ("DICTNAM", "TS.TSVCDREF (dictionary of a coded TSVAL)"),
    "C171444": ("HODECOD", "HO.HODECOD: hospital, ICU, emergency room, outpatient clinic"),
    "C101863": ("DISCHDX", "discharge disposition of a hospital stay"),
    "C66727": ("NCOMPLT", "DS.DSDECOD of disposition events"),
    "C114118": ("PROTMLST", "DS.DSDECOD of protocol milestones (informed consent)"),
    "C150811": ("OTHEVENT", "DS.DSDECOD of other events"),
    "C74558": ("DSCAT", "DS.DSCAT"),
    "C170443": ("DSSCAT", "DS.DSSCAT STUDY PARTICIPATION / STUDY TREATMENT"),
    "C116108": ("DTHDXCD", "DD.DDTESTCD PRCDTH"),
    "C116107": ("DTHDX", "DD.DDTEST"),
    "C124301": ("MHEDTTYP", "MH.MHEVDTYP INITIAL DIAGNOSIS"),
    "C142179": ("ARMNULRS", "DM.ARMNRS"),
    "C124304": ("SSTATRS", "SS.SSORRES/SSSTRESC ALIVE, DEAD, UNKNOWN"),
    "C124305": ("SSTESTCD", "SS.SSTESTCD SURVSTAT"),
    "C124306": ("SSTEST", "SS.SSTEST"),
    "C99079": ("EPOCH", "--EPOCH"),
    "C78735": ("EVAL", "RS.RSEVAL INVESTIGATOR, DD.DDEVAL"),
    "C96777": ("MEDEVAL", "--EVALID"),
    "C71620": ("UNIT", "EX/CM dose units, LB units"),
    "C71113": ("FREQ", "EX/CM dosing frequency"),
    "C66729": ("ROUTE", "EX/CM route"),
    "C66726": ("FRM", "EX/CM dose form"),
    "C66728": ("STENRF", "--STRF/--ENRF/--STRTPT/--ENRTPT"),
    "C66789": ("ND", "--STAT NOT DONE"),
    "C66742": ("NY", "Y/N flags, SUPP-- Y/N values"),
    "C66731": ("SEX", "DM.SEX"),
    "C74457": ("RACE", "DM.RACE"),
    "C66790": ("ETHNIC", "DM.ETHNIC"),
    "C66781": ("AGEU", "DM.AGEU"),
    "C66768": ("OUT", "AE.AEOUT"),
    "C66767": ("ACN", "AE.AEACN"),
    "C66769": ("AESEV", "AE.AESEV"),
    "C66734": ("DOMAIN", "DOMAIN, RDOMAIN"),
    "C78736": ("NRIND", "LB.LBNRIND"),
}

#: The reference files (relative to ``--standards``) and where they were copied from (standards/README.md).
SDTMIG_DATASETS_SOURCE = "sdtmig-3.4/SDTMIG_v3.4_Datasets.csv"
SDTMIG_VARIABLES_SOURCE = "sdtmig-3.4/SDTMIG_v3.4_Variables.csv"
SDTM_CT_SOURCE = "ct/SDTM_Terminology_2025-03-28.tar.xz"
ADAM_CT_SOURCE = "ct/ADaM_CT_2025-09-26.csv"
ADAMIG_VARIABLES_SOURCE = "adamig-1.3/ADaMIG_v1.3_Variables.csv"
ADAMIG_STRUCTURES_SOURCE = "adamig-1.3/ADaMIG_v1.3_DataStructures.csv"
ADAE_VARIABLES_SOURCE = "adamig-1.3/ADaM_ADAE_v1.0_Variables.csv"
_TSS = "GitHub rubentalstra/Trial-Submission-Studio"
ORIGINS = {
    SDTMIG_DATASETS_SOURCE: f"{_TSS}, crates/tss-standards/data/sdtm/ig/v3.4/Datasets.csv, commit 222938d",
    SDTMIG_VARIABLES_SOURCE: f"{_TSS}, crates/tss-standards/data/sdtm/ig/v3.4/Variables.csv, commit 222938d",
    SDTM_CT_SOURCE: "GitHub patterninstitute/sdtm.terminology, data-raw/SDTM Terminology.tar.xz, commit e4fdc5f "
    "(NCI EVS 'SDTM Terminology.txt')",
    ADAM_CT_SOURCE: f"{_TSS}, crates/tss-standards/data/terminology/2025-09-26/ADaM_CT_2025-09-26.csv, commit 222938d",
    ADAMIG_VARIABLES_SOURCE: f"{_TSS}, crates/tss-standards/data/adam/ig/v1.3/Variables.csv, commit 222938d",
    ADAMIG_STRUCTURES_SOURCE: f"{_TSS}, crates/tss-standards/data/adam/ig/v1.3/DataStructures.csv, commit 222938d",
    ADAE_VARIABLES_SOURCE: f"{_TSS}, docs/ADaM_ADAE_v1.0.csv, commit f3e1e28",
}

SDTMIG_DATASET_COLUMNS = {
    "Dataset Name": "dataset",
    "Class": "class",
    "Dataset Label": "label",
    "Structure": "structure",
}
SDTMIG_VARIABLE_COLUMNS = {
    "Dataset Name": "dataset",
    "Variable Order": "order",
    "Variable Name": "name",
    "Variable Label": "label",
    "Type": "type",
    "CDISC CT Codelist Code(s)": "codelist_codes",
    "Described Value Domain(s)": "described_value_domain",
    "Value List": "value_list",
    "Role": "role",
    "Core": "core",
    "CDISC Notes": "cdisc_notes",
}
CT_SOURCE_COLUMNS = dict(
    zip(
        (
            "Code",
            "Codelist Code",
            "Codelist Extensible (Yes/No)",
            "Codelist Name",
            "CDISC Submission Value",
            "CDISC Synonym(s)",
            "NCI Preferred Term",
        ),
        CT_COLUMNS,
        strict=True,
    )
)
ADAM_VARIABLE_COLUMNS = {
    "Version": "version",
    "Data Structure Name": "data_structure_name",
    "Variable Set": "variable_set",
    "order": "order",
    "Variable Name": "name",
    "Variable Label": "label",
    "Type": "type",
    "CDISC CT Codelist Code(s)": "codelist_codes",
    "CDISC CT Codelist Submission Value(s)": "codelist_submission_values",
    "Described Value Domain(s)": "described_value_domain",
    "Value List Value": "value_list",
    "Core": "core",
    "CDISC Notes": "cdisc_notes",
}
ADAM_STRUCTURE_COLUMNS = {
    "Version": "version",
    "Data Structure Name": "data_structure_name",
    "Data Structure Description": "description",
    "Class": "class",
    "Subclass": "subclass",
    "CDISC Notes": "cdisc_notes",
}


@dataclass(frozen=True)
class Built:
    """One written file of ``specs/``: what it came from and by which rule, for SOURCES.md."""

    file: str
    sources: tuple[str, ...]
    version: str
    rows: int
    rule: str
    details: tuple[str, ...] = ()


class Reference:
    """The reference standards folder: reads its files the one safe way and fingerprints them."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def read(self, relative: str, **options: str) -> pd.DataFrame:
        """The file as strings, nothing turned into NaN (``NA`` is a NY submission value)."""
        path = self.root / relative
        if not path.is_file():
            raise SpecError("reference file not found", Location(file=str(path)))
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", **options)

    def sha256(self, relative: str) -> str:
        return hashlib.sha256((self.root / relative).read_bytes()).hexdigest()


def _select(frame: pd.DataFrame, columns: dict[str, str], source: str) -> pd.DataFrame:
    """The ``columns`` of ``frame`` (read from ``source``), renamed to their specs names."""
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise SpecError(
            "reference file lacks columns", Location(file=source), found=missing, expected=", ".join(columns)
        )
    return frame.loc[:, list(columns)].rename(columns=columns)


def _write(frame: pd.DataFrame, out: Path, relative: str) -> int:
    path = out / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return len(frame)


def _codes(cell: str) -> list[str]:
    """The codelist codes of an IG cell; several are separated by ``"; "`` (e.g. RS.RSCAT)."""
    return [code for code in cell.split("; ") if code]


def _sort_ct(ct: pd.DataFrame) -> pd.DataFrame:
    """Codelists by C-code number; each codelist row first, then its terms by submission value."""
    parent = ct["codelist_code"].where(ct["codelist_code"] != "", ct["code"])
    keys = pd.DataFrame(
        {
            "codelist": parent.str[1:].astype(int),
            "is_term": ct["codelist_code"] != "",
            "folded": ct["submission_value"].str.casefold(),
            "value": ct["submission_value"],
            "code": ct["code"],
        }
    )
    order = keys.sort_values(list(keys.columns), kind="stable").index
    return ct.loc[order].reset_index(drop=True)


def build_sdtmig(reference: Reference, out: Path) -> list[Built]:
    """SDTMIG 3.4 datasets.csv and variables.csv for :data:`SDTM_DATASETS`."""
    datasets = _select(reference.read(SDTMIG_DATASETS_SOURCE), SDTMIG_DATASET_COLUMNS, SDTMIG_DATASETS_SOURCE)
    variables = _select(reference.read(SDTMIG_VARIABLES_SOURCE), SDTMIG_VARIABLE_COLUMNS, SDTMIG_VARIABLES_SOURCE)
    absent = sorted(set(SDTM_DATASETS) - set(datasets["dataset"]))
    if absent:
        raise SpecError(f"datasets {', '.join(absent)} are not in SDTMIG v3.4", Location(file=SDTMIG_DATASETS_SOURCE))
    datasets = datasets[datasets["dataset"].isin(SDTM_DATASETS)].sort_values("dataset")
    variables = variables[variables["dataset"].isin(SDTM_DATASETS)]
    variables = variables.sort_values(["dataset", "order"], key=lambda s: s.astype(int) if s.name == "order" else s)
    rule = f"the SDTMIG v3.4 rows of the datasets cdiscmm produces: {', '.join(SDTM_DATASETS)}"
    return [
        Built(
            standards.SDTMIG_DATASETS_FILE,
            (SDTMIG_DATASETS_SOURCE,),
            "SDTMIG v3.4",
            _write(datasets, out, standards.SDTMIG_DATASETS_FILE),
            rule,
        ),
        Built(
            standards.SDTMIG_VARIABLES_FILE,
            (SDTMIG_VARIABLES_SOURCE,),
            "SDTMIG v3.4",
            _write(variables, out, standards.SDTMIG_VARIABLES_FILE),
            rule + "; sorted by dataset and variable order",
        ),
    ]


def _sdtm_codelists_used(reference: Reference, adam_ct: pd.DataFrame) -> dict[str, str]:
    """Code -> why, for every SDTM codelist cdiscmm uses (see the module rules)."""
    reasons: dict[str, list[str]] = {code: [why] for code, (_, why) in EXTRA_SDTM_CODELISTS.items()}
    variables = reference.read(SDTMIG_VARIABLES_SOURCE)
    ours = variables[variables["Dataset Name"].isin(SDTM_DATASETS)]
    referenced: dict[str, list[str]] = {}
    for row in ours.to_dict("records"):
        for code in _codes(row["CDISC CT Codelist Code(s)"]):
            referenced.setdefault(code, []).append(f"{row['Dataset Name']}.{row['Variable Name']}")
    adam_codes = set(adam_ct.loc[adam_ct["codelist_code"] == "", "code"])
    for source in (ADAMIG_VARIABLES_SOURCE, ADAE_VARIABLES_SOURCE):
        for row in reference.read(source).to_dict("records"):
            for code in set(_codes(row["CDISC CT Codelist Code(s)"])) - adam_codes:
                referenced.setdefault(code, []).append(f"ADaM {row['Variable Name']}")
    for code, names in referenced.items():
        shown = ", ".join(sorted(set(names))[:6]) + (", ..." if len(set(names)) > 6 else "")
        reasons.setdefault(code, []).append(f"IG: {shown}")
    return {code: "; ".join(parts) for code, parts in reasons.items()}


def build_ct(reference: Reference, out: Path) -> list[Built]:
    """The SDTM CT selection and the whole ADaM CT, with codes and short names checked."""
    adam = _sort_ct(_select(reference.read(ADAM_CT_SOURCE), CT_SOURCE_COLUMNS, ADAM_CT_SOURCE))
    sdtm = _select(reference.read(SDTM_CT_SOURCE, sep="\t"), CT_SOURCE_COLUMNS, SDTM_CT_SOURCE)
    used = _sdtm_codelists_used(reference, adam)
    heads = sdtm[sdtm["codelist_code"] == ""].set_index("code")["submission_value"]
    missing = sorted(code for code in used if code not in heads.index)
    if missing:
        raise SpecError(
            f"codelists {', '.join(missing)} are not in SDTM CT {standards.SDTM_CT_DATE}",
            Location(file=SDTM_CT_SOURCE),
        )
    renamed = [
        f"{code} is {heads[code]}, not {name}"
        for code, (name, _) in EXTRA_SDTM_CODELISTS.items()
        if heads[code] != name
    ]
    if renamed:
        raise SpecError(f"codelist short names differ: {'; '.join(renamed)}", Location(file=SDTM_CT_SOURCE))
    parent = sdtm["code"].where(sdtm["codelist_code"] == "", sdtm["codelist_code"])
    selected = _sort_ct(sdtm[parent.isin(used)])
    codelists = selected[selected["codelist_code"] == ""].set_index("code")
    terms = selected["codelist_code"].value_counts()
    table = ["| Codelist | Short name | Extensible | Terms | Why |", "|---|---|---|---|---|"] + [
        f"| {code} | {heads[code]} | {codelists.loc[code, 'extensible']} | {terms.get(code, 0)} | {why} |"
        for code, why in sorted(used.items(), key=lambda item: heads[item[0]])
    ]
    return [
        Built(
            standards.SDTM_CT_FILE,
            (SDTM_CT_SOURCE,),
            f"SDTM CT {standards.SDTM_CT_DATE} (Q1 2025; the source repository labels it 2025-03-25)",
            _write(selected, out, standards.SDTM_CT_FILE),
            f"whole codelists (codelist row and all terms) of the {len(used)} codelists below; definitions are "
            "left out. Sorted by codelist C-code number, codelist row first, then terms by case-folded submission "
            "value",
            tuple(table),
        ),
        Built(
            standards.ADAM_CT_FILE,
            (ADAM_CT_SOURCE,),
            f"ADaM CT {standards.ADAM_CT_DATE}",
            _write(adam, out, standards.ADAM_CT_FILE),
            "the whole package, without definitions and the constant 'Standard and Date' column; sorted as SDTM CT",
        ),
    ]


def _with_order(frame: pd.DataFrame) -> pd.DataFrame:
    """The IG's listing order within each data structure, as a 1-based ``order`` column."""
    frame = frame.copy()
    frame["order"] = (frame.groupby("Data Structure Name", sort=False).cumcount() + 1).astype(str)
    return frame


def build_adamig(reference: Reference, out: Path) -> list[Built]:
    """ADaMIG 1.3 variables and structures and ADAE 1.0 variables, whole, in the IG's order."""
    built: list[Built] = []
    for source, target, version in (
        (ADAMIG_VARIABLES_SOURCE, standards.ADAMIG_VARIABLES_FILE, "ADaMIG v1.3"),
        (ADAE_VARIABLES_SOURCE, standards.ADAE_VARIABLES_FILE, "ADaM ADAE v1.0"),
    ):
        frame = _select(_with_order(reference.read(source)), ADAM_VARIABLE_COLUMNS, source)
        rule = "the whole file in the source's row order; 'order' numbers the rows within each data structure"
        built.append(Built(target, (source,), version, _write(frame, out, target), rule))
    structures = _select(reference.read(ADAMIG_STRUCTURES_SOURCE), ADAM_STRUCTURE_COLUMNS, ADAMIG_STRUCTURES_SOURCE)
    rows = _write(structures, out, standards.ADAMIG_STRUCTURES_FILE)
    built.append(
        Built(standards.ADAMIG_STRUCTURES_FILE, (ADAMIG_STRUCTURES_SOURCE,), "ADaMIG v1.3", rows, "the whole file")
    )
    return built


def sources_markdown(built: list[Built], reference: Reference) -> str:
    """``specs/SOURCES.md``: per file its sources (with sha256 and origin), version, rows and rule."""
    lines = [
        "# Sources of the standard metadata in specs/",
        "",
        "Generated by `tools.build_specs`; do not edit by hand (`ct/sponsor.yaml` and `sdtmig-3.4/keys.csv`",
        "are hand-written and not generated). Rebuild from the repository root with:",
        "",
        "```",
        "python -m tools.build_specs --standards ../shared/reference/standards --out specs",
        "```",
        "",
        "All CSVs are UTF-8 (no BOM), comma-separated, `\\n` line ends. Read them with `dtype=str,",
        "keep_default_na=False` (`NA` is a submission value of NY, C66742). A multi-codelist cell separates codes",
        "with `; `. CT files: a row with an empty `codelist_code` is the codelist itself (`submission_value` =",
        "short name); every other row is a term of the codelist named in `codelist_code`.",
        "",
        "SDTM CT package date: 2025-03-28 (the CDISC Library date of the Q1 2025 release). The source",
        "repository labels the same file 2025-03-25; the file carries no date of its own.",
        "",
        '`sdtmig-3.4/keys.csv` (hand-written): the natural keys of each dataset, transcribed from the "Keys"',
        "column of the SDTMIG v3.4 domain tables (given there as examples; the reference CSVs carry no keys).",
    ]
    for item in built:
        lines += ["", f"## {item.file}", "", f"- Version: {item.version}", f"- Rows: {item.rows}"]
        for source in item.sources:
            lines += [
                f"- Source: `{source}` (in the CDISC reference standards folder), sha256 `{reference.sha256(source)}`",
                f"- Copied from: {ORIGINS[source]}",
            ]
        lines.append(f"- Selection: {item.rule}.")
        if item.details:
            lines += ["", *item.details]
    return "\n".join(lines) + "\n"


def build(standards_root: Path, out: Path) -> list[Built]:
    """Write every generated file of ``specs/`` under ``out`` and return what was written."""
    reference = Reference(standards_root)
    built = build_sdtmig(reference, out) + build_ct(reference, out) + build_adamig(reference, out)
    (out / "SOURCES.md").write_text(sources_markdown(built, reference), encoding="utf-8", newline="\n")
    return built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.build_specs", description=__doc__.split("\n")[0])
    parser.add_argument("--standards", type=Path, required=True, help="the CDISC reference standards folder")
    parser.add_argument("--out", type=Path, default=specs_dir(), help="the specs folder to write (default: specs/)")
    args = parser.parse_args(argv)
    try:
        built = build(args.standards, args.out)
    except CdiscmmError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    for item in built:
        print(f"{item.file}: {item.rows} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
