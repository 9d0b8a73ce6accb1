"""The bundled studies end to end: raw data generated with a small N, SDTM built, every produced dataset checked.

Generic over studies and domains: whatever domains the mappings produce are checked against SDTMIG 3.4 metadata
(labels, order, Req non-null, keys), SDTM CT, DM (one record per subject, every USUBJID in DM), --DY and
partial dates, and the reconciliation (rows read = rows mapped + rows rejected).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_series_equal

from cdiscmm.cli import main
from cdiscmm.io.write import write_outputs
from cdiscmm.io.xpt.read import read_xpt
from cdiscmm.metadata.standards import sdtm_ct, sdtmig
from cdiscmm.metadata.study import StudyRef, bundled_studies
from cdiscmm.sdtm.build import StudyBuild, build_datasets
from cdiscmm.sdtm.iso8601 import compute_iso8601

SUBJECTS = 40
SEED = 1
STUDIES = [study.studyid for study in bundled_studies()]
#: Values outside an extensible CDISC codelist that the sponsor declares as extensions (Define-XML), per
#: DOMAIN.VARIABLE (docs/data-model.md marks them "(sponsor)").
SPONSOR_EXTENSIONS: dict[str, set[str]] = {
    "DS.DSDECOD": {"OTHER"},  # end of treatment for another reason (NCOMPLT has no OTHER)
    # ISS / R-ISS at baseline: no CDISC CT exists (data model, RS row)
    "RS.RSTESTCD": {"ISSSTG", "RISSSTG"},
    "RS.RSTEST": {"International Staging System Stage", "Revised Intl Staging System Stage"},
    "RS.RSCAT": {"ISS", "R-ISS"},
    "RS.RSSTRESC": {"I", "II", "III"},
}


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


#: Where a collected date lands: (form, date field, domain, variable).
DATE_LINEAGE: list[tuple[str, str, str, str]] = [
    ("mh", "MHSTDAT", "MH", "MHSTDTC"),
    ("mmdx", "MMDXDAT", "MH", "MHSTDTC"),
    ("priortx", "PTSTDAT", "CM", "CMSTDTC"),
    ("priortx", "PTENDAT", "CM", "CMENDTC"),
    ("priorproc", "PRSTDAT", "PR", "PRSTDTC"),
    ("ae", "AESTDAT", "AE", "AESTDTC"),
]


@dataclass
class Built:
    study: StudyRef
    raw_dir: Path
    out_dir: Path
    build: StudyBuild


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    """Each bundled study: raw data (N=40, seed 1) and its SDTM build (also written, for the defect tests)."""
    root = tmp_path_factory.mktemp("studies")
    result: dict[str, Built] = {}
    for study in bundled_studies():
        raw_dir = root / study.studyid / "raw"
        code = main(
            [
                *("raw", "generate", "--study", study.studyid, "--subjects", str(SUBJECTS), "--seed", str(SEED)),
                *("--out", str(raw_dir), "-q"),
            ]
        )
        assert code == 0
        raw = raw_dir if (raw_dir / "dm.csv").is_file() else next(raw_dir.rglob("dm.csv")).parent
        build = build_datasets(study, raw)
        out_dir = root / study.studyid / "sdtm"
        write_outputs(build.all_datasets(), build.tables(), out_dir)
        result[study.studyid] = Built(study, raw, out_dir, build)
    return result


def _domains(build: StudyBuild) -> dict[str, pd.DataFrame]:
    return {name: dataset.data for name, dataset in build.datasets.items()}


def _general(name: str) -> bool:
    return not name.startswith("SUPP") and name not in {"TS"}


@pytest.mark.parametrize("studyid", STUDIES)
def test_reconciliation_balances(built: dict[str, Built], studyid: str) -> None:
    item = built[studyid]
    recon = item.build.reconciliation
    assert (recon["ROWS_READ"] == recon["ROWS_MAPPED"] + recon["ROWS_REJECTED"]).all()
    for row in recon.itertuples():
        path = item.raw_dir / f"{row.FORM}.csv"
        assert len(pd.read_csv(path, dtype=str, keep_default_na=False)) == row.ROWS_READ, row.FORM
    # every rejected row has a reason in rejects.csv (rows there may also be partly mapped or excluded elsewhere)
    rejected = item.build.rejects.groupby("FORM")["ROW"].nunique()
    for row in recon.itertuples():
        assert rejected.get(row.FORM, 0) >= row.ROWS_REJECTED, row.FORM


@pytest.mark.parametrize("studyid", STUDIES)
def test_metadata_labels_order_and_required(built: dict[str, Built], studyid: str) -> None:
    ig = sdtmig()
    for name, dataset in built[studyid].build.datasets.items():
        meta = ig["SUPPQUAL"] if name.startswith("SUPP") else ig[name]
        standard = {variable.name: variable for variable in meta.variables}
        columns = list(dataset.data.columns)
        assert all(column in standard for column in columns), (name, columns)
        assert columns == sorted(columns, key=lambda column: standard[column].order), name
        for column in columns:
            assert [v.label for v in dataset.meta.variables if v.name == column] == [standard[column].label]
            if standard[column].core == "Req":
                assert dataset.data[column].notna().all(), f"{name}.{column} has nulls"


@pytest.mark.parametrize("studyid", STUDIES)
def test_keys_unique(built: dict[str, Built], studyid: str) -> None:
    for name, dataset in built[studyid].build.datasets.items():
        data = dataset.data
        if name.startswith("SUPP"):
            key = ["USUBJID", "IDVAR", "IDVARVAL", "QNAM"]
        elif name == "TS":
            key = ["TSPARMCD", "TSSEQ"]
        elif f"{name}SEQ" in data:
            key = ["USUBJID", f"{name}SEQ"]
        else:
            key = [k for k in dataset.meta.keys if k in data] or ["USUBJID"]
        assert key and not data.duplicated(key).any(), (name, key)
        natural = [k for k in dataset.meta.keys if k in data and not k.endswith("SEQ")]
        if _general(name) and natural and name != "DM":
            dupes = data[data.duplicated(natural, keep=False)]
            # natural keys may repeat only for genuinely repeated collected records (reported, not fatal)
            assert len(dupes) <= max(2, len(data) // 10), (name, natural, dupes.head())


@pytest.mark.parametrize("studyid", STUDIES)
def test_controlled_terminology(built: dict[str, Built], studyid: str) -> None:
    ig, ct = sdtmig(), sdtm_ct()
    outside: dict[str, set[str]] = {}
    for name, data in _domains(built[studyid].build).items():
        if name.startswith("SUPP") or name == "TS":
            continue
        for variable in ig[name].variables:
            codes = variable.codelists or ([variable.codelist] if variable.codelist else [])
            if variable.name not in data or not codes:
                continue
            values = {value for value in data[variable.name].dropna().astype(str) if not _is_number(value)}
            lists = [ct.get(code) for code in codes]
            allowed = {value for codelist in lists for value in codelist.values()}
            if variable.name.endswith(("TESTCD", "TEST")):  # test codes/names: value-level codelists of CT
                allowed |= {value for codelist in ct for value in codelist.values()}
            unknown = values - allowed
            if not unknown:
                continue
            strict = [codelist for codelist in lists if not codelist.extensible]
            assert not strict or len(strict) < len(lists), f"{name}.{variable.name}: {unknown} not in {codes}"
            key = f"{name}.{variable.name}"
            outside[key] = unknown - SPONSOR_EXTENSIONS.get(key, set())
    undeclared = {key: values for key, values in outside.items() if values}
    assert not undeclared, f"values outside extensible CT not declared as sponsor extensions: {undeclared}"


@pytest.mark.parametrize("studyid", STUDIES)
def test_dm_one_record_per_subject_and_every_subject_in_dm(built: dict[str, Built], studyid: str) -> None:
    domains = _domains(built[studyid].build)
    dm = domains["DM"]
    assert dm["USUBJID"].is_unique
    assert (dm["USUBJID"] == dm["STUDYID"] + "-" + dm["SUBJID"]).all()
    for name, data in domains.items():
        if "USUBJID" in data and name != "TS":
            assert data["USUBJID"].isin(dm["USUBJID"]).all(), name
    # every subject with a mapped exposure has RFSTDTC = RFXSTDTC = first exposure
    assert (dm["RFSTDTC"].fillna("") == dm["RFXSTDTC"].fillna("")).all()
    if "EX" in domains:
        ex = domains["EX"]
        first = ex.dropna(subset=["EXSTDTC"]).sort_values("EXSTDTC").groupby("USUBJID")["EXSTDTC"].first()
        complete = first[first.str.len() >= 10]
        assert (dm.set_index("USUBJID").loc[complete.index, "RFXSTDTC"].str[:10] == complete.str[:10]).mean() > 0.9
    assert dm["RFICDTC"].notna().mean() > 0.8
    died = dm["DTHFL"] == "Y"
    assert (dm.loc[dm["DTHDTC"].notna(), "DTHFL"] == "Y").all() and died.sum() >= dm["DTHDTC"].notna().sum()


@pytest.mark.parametrize("studyid", STUDIES)
def test_study_day_never_zero(built: dict[str, Built], studyid: str) -> None:
    for name, data in _domains(built[studyid].build).items():
        for column in [c for c in data if c.endswith("DY") and name != "TS"]:
            assert not (data[column] == 0).any(), f"{name}.{column} has day 0"


@pytest.mark.parametrize("studyid", STUDIES)
def test_partial_dates_preserved(built: dict[str, Built], studyid: str) -> None:
    item = built[studyid]
    domains = _domains(item.build)
    dm = domains["DM"].set_index("USUBJID")
    checked = 0
    for form, field, domain, variable in DATE_LINEAGE:
        path = item.raw_dir / f"{form}.csv"
        if domain not in domains or not path.is_file():
            continue
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        partial = raw[raw[field].str.startswith("UN ") & ~raw[field].str.contains("UNKN")]
        if partial.empty:
            continue
        iso, _ = compute_iso8601(partial[field])
        usubjid = studyid + "-" + partial["SUBJID"].str.strip()
        mapped = domains[domain]
        for subject, value in zip(usubjid, iso, strict=True):
            if subject not in dm.index or pd.isna(value):
                continue
            assert len(value) < 10
            assert value in set(mapped.loc[mapped["USUBJID"] == subject, variable].dropna()), (domain, subject)
            checked += 1
    assert checked > 0, "no partial date sampled"


@pytest.mark.parametrize("studyid", STUDIES)
def test_local_language_copy_has_same_structure(built: dict[str, Built], studyid: str) -> None:
    item = built[studyid]
    language = item.study.config.language
    if language == "en":
        assert not item.build.local
        return
    assert item.build.local
    for name, dataset in item.build.local.items():
        english = item.build.datasets[name.split("/", 1)[1]]
        assert list(dataset.data.columns) == list(english.data.columns)


@pytest.mark.parametrize("studyid", STUDIES)
def test_every_xpt_reads_back_identically_with_an_independent_reader(built: dict[str, Built], studyid: str) -> None:
    """pandas' own XPORT reader (no pyreadstat code) sees the same names, labels and values in every file."""
    for path in sorted(built[studyid].out_dir.rglob("*.xpt")):
        ours = read_xpt(path)
        theirs = pd.read_sas(path, format="xport", encoding="utf-8")
        assert list(theirs.columns) == list(ours.data.columns), path.name
        for column in ours.data.columns:
            mine = ours.data[column]
            other = theirs[column]
            if pd.api.types.is_numeric_dtype(other):
                if pd.api.types.is_datetime64_any_dtype(mine):  # SAS dates: days since 1960-01-01
                    mine = (mine - pd.Timestamp("1960-01-01")).dt.days
                assert_series_equal(
                    pd.to_numeric(mine, errors="coerce").astype("float64").reset_index(drop=True),
                    other.astype("float64").reset_index(drop=True),
                    check_names=False,
                )
            else:
                assert mine.fillna("").astype(str).tolist() == other.fillna("").astype(str).tolist(), (path, column)


@pytest.mark.parametrize("studyid", STUDIES)
def test_every_collected_field_is_mapped_or_declared_not_submitted(built: dict[str, Built], studyid: str) -> None:
    """fields.csv: no collected field is dropped silently; a field not submitted says why in its mapping."""
    fields = built[studyid].build.fields
    assert fields.loc[fields["STATUS"].eq("not mapped"), ["FORM", "FIELD"]].values.tolist() == []
    declared = fields.loc[fields["STATUS"].eq("not submitted"), "TARGETS"]
    assert declared.str.startswith("not submitted: ").all()
    assert (built[studyid].out_dir / "fields.csv").is_file()


@pytest.mark.parametrize("studyid", STUDIES)
def test_aetoxgr_names_its_grading_scales_in_metadata(built: dict[str, Built], studyid: str) -> None:
    comment = built[studyid].build.datasets["AE"].meta.variable("AETOXGR").comment or ""
    assert "CTCAE v5.0" in comment and "ASTCT 2019" in comment


@pytest.mark.parametrize("studyid", STUDIES)
def test_findings_on_a_detail_page_name_that_page(built: dict[str, Built], studyid: str) -> None:
    """Regression: a bad CRSCORT code was reported on the AE row (ae 344) instead of its crs page row (crs 43)."""
    issues = built[studyid].build.issues
    on_pages = issues[issues["FIELD"].str.match(r"^(CRS|ICANS)", na=False)]
    assert set(on_pages["FORM"]) <= {"crs", "icans"}
