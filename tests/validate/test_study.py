"""A bundled study end to end (EQUE-CN-RWS, 40 subjects): every injected defect is found, at its form, row and
field before SDTM and by its SDTM rule where it reaches SDTM; the QA report's page shows the JSON's counts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from cdiscmm.cli import main
from cdiscmm.core.paths import mappings_dir
from cdiscmm.metadata.explanations import load_explanations
from cdiscmm.validate.catalogue import load_catalogue
from tests.browser import dump_dom, needs_chromium

STUDY = "EQUE-CN-RWS"
MAPPINGS = mappings_dir()
#: Where a collected defect reaches SDTM as a defect, and the rule that reports it there: form.field -> rule.
#: A bad code in a result field stays in --ORRES with --STRESC empty; a bad AESER or dose unit is left blank.
REACHES_SDTM = {
    "END_BEFORE_START": "SD0013",
    "CODE_OUTSIDE_CODELIST:lbmm": "CORE-000021",
    "CODE_OUTSIDE_CODELIST:rs.RSORRES": "CORE-000021",
    "CODE_OUTSIDE_CODELIST:surv.SVSTAT": "CORE-000021",
    "CODE_OUTSIDE_CODELIST:ae.AESER": "CDM-AESERBLANK",
    "CODE_OUTSIDE_CODELIST:ex.EXDOSU": "SD0035",
}


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The study generated (N=40, seed 1), mapped to SDTM and ADaM, and validated; the output root."""
    root = tmp_path_factory.mktemp("validate")
    raw = root / STUDY / "raw"
    assert main(["raw", "generate", "--study", STUDY, "--subjects", "40", "--seed", "1", "--out", str(raw), "-q"]) == 0
    assert main(["sdtm", "--study", STUDY, "--out", str(root), "-q"]) == 0
    assert main(["adam", "--study", STUDY, "--out", str(root), "-q"]) == 0
    assert main(["validate", "--study", STUDY, "--out", str(root), "-q"]) == 1  # injected errors exist
    return root


def _report(root: Path) -> dict:
    return json.loads((root / STUDY / "validation" / "report.json").read_text(encoding="utf-8"))


def _findings(root: Path) -> pd.DataFrame:
    found = pd.DataFrame(_report(root)["findings"])
    found["ROW"] = found["ROW"].astype("Int64").astype(str)
    return found


def _manifest(root: Path) -> pd.DataFrame:
    return pd.read_csv(root / STUDY / "raw" / "defects.csv", dtype=str, keep_default_na=False)


def _sdtm_rule(defect: tuple) -> str | None:
    """The rule by which an injected defect shows in SDTM (REACHES_SDTM, most specific key first), or None."""
    for key in (f"{defect.DEFECT}:{defect.FORM}.{defect.FIELD}", f"{defect.DEFECT}:{defect.FORM}", defect.DEFECT):
        if key in REACHES_SDTM:
            return REACHES_SDTM[key]
    return None


@pytest.mark.slow
def test_every_collected_defect_is_found_at_its_form_row_and_field(study: Path) -> None:
    found = _findings(study)
    raw = found.loc[found["RULE"].str.startswith("RAW-")]
    cells = set(zip(raw["DATASET"], raw["ROW"], raw["VARIABLE"], strict=True))
    rows = set(zip(raw["DATASET"], raw["ROW"], strict=True))
    manifest = _manifest(study)
    # a dropped visit leaves no row to point at; an end date whose start was later made partial is no defect
    # any more at the precision left (UN MAY 2019 vs 12 MAY 2019)
    partial = set(zip(*manifest.loc[manifest["DEFECT"] == "PARTIAL_DATE", ["FORM", "ROW"]].T.values, strict=True))
    erased = pd.Series([(form, row) in partial for form, row in zip(manifest["FORM"], manifest["ROW"], strict=True)])
    checkable = manifest.loc[
        (manifest["DEFECT"] != "MISSING_ASSESSMENT") & ~((manifest["DEFECT"] == "END_BEFORE_START") & erased)
    ]
    missed = [
        row
        for row in checkable.itertuples(index=False)
        if (
            (row.FORM, row.ROW) not in rows
            if row.DEFECT == "DUPLICATE_ROW"
            else (row.FORM, row.ROW, row.FIELD) not in cells
        )
    ]
    assert missed == []
    assert len(checkable) > 100


@pytest.mark.slow
def test_every_defect_reaching_sdtm_has_its_sdtm_finding_for_the_subject(study: Path) -> None:
    found = _findings(study)
    manifest = _manifest(study)
    forms = {
        form: pd.read_csv(study / STUDY / "raw" / f"{form}.csv", dtype=str, keep_default_na=False)
        for form in manifest["FORM"].unique()
    }
    raw_end = found.loc[found["RULE"] == "RAW-ENDBEFORESTART", ["DATASET", "ROW"]]
    still_defects = set(zip(raw_end["DATASET"], raw_end["ROW"], strict=True))
    checked = 0
    for defect in manifest.itertuples(index=False):
        rule = _sdtm_rule(defect)
        if rule is None or (defect.DEFECT == "END_BEFORE_START" and (defect.FORM, defect.ROW) not in still_defects):
            continue
        subject = f"{STUDY}-{forms[defect.FORM].at[int(defect.ROW) - 1, 'SUBJID']}"
        hits = found.loc[(found["RULE"] == rule) & (found["USUBJID"] == subject)]
        assert len(hits), f"{defect} not found by {rule} for {subject}"
        checked += 1
    assert checked >= 5


@pytest.mark.slow
def test_nothing_but_an_injected_defect_fires_at_error_level(study: Path) -> None:
    """Issue #11 item 5: every Reject/Error finding traces to a defect the generator injected (raw/defects.csv): a
    collected-data finding at an injected form and row, an SDTM or ADaM finding by the rule that defect reaches
    SDTM as (REACHES_SDTM), for that defect's subject. A rule firing on clean data would fail here (as AD-REQNULL
    did at Error on ADSL.ARM, null by design in an observational study)."""
    found = _findings(study)
    manifest = _manifest(study)
    forms = {
        form: pd.read_csv(study / STUDY / "raw" / f"{form}.csv", dtype=str, keep_default_na=False)
        for form in manifest["FORM"].unique()
    }
    injected_rows = set(zip(manifest["FORM"], manifest["ROW"], strict=True))
    reached = {
        (rule, f"{STUDY}-{forms[defect.FORM].at[int(defect.ROW) - 1, 'SUBJID']}")
        for defect in manifest.itertuples(index=False)
        if (rule := _sdtm_rule(defect)) is not None
    }
    errors = found.loc[found["SEVERITY"].isin(["Reject", "Error"])]
    collected = errors["DATASET"].str.islower()
    stray_collected = {
        (row.RULE, row.DATASET, row.ROW)
        for row in errors.loc[collected].itertuples(index=False)
        if (row.DATASET, row.ROW) not in injected_rows
    }
    stray_datasets = {
        (row.RULE, row.DATASET, row.VARIABLE, row.USUBJID)
        for row in errors.loc[~collected].itertuples(index=False)
        if (row.RULE, row.USUBJID) not in reached
    }
    assert stray_collected == set()
    assert stray_datasets == set()
    assert len(errors) > 20


@pytest.mark.slow
def test_every_error_level_finding_is_explained_in_the_studys_explanations(study: Path) -> None:
    """Each Reject/Error finding, collected data included, is fixed or has its text in explanations.yaml (data)."""
    explanations = load_explanations(MAPPINGS / STUDY.lower())
    found = _findings(study)
    errors = found.loc[found["SEVERITY"].isin(["Reject", "Error"])]
    unexplained = {
        (row.RULE, row.DATASET, row.VARIABLE)
        for row in errors.itertuples(index=False)
        if explanations.find(row.RULE, row.DATASET, row.VARIABLE or "") is None
    }
    assert unexplained == set()
    assert len(errors) > 0  # the injected defects are there to be explained


@pytest.mark.slow
def test_the_qa_report_shows_each_finding_with_its_explanation(study: Path) -> None:
    """The report carries the study's explanations (validate --study reads explanations.yaml): every Error finding
    names the id of its explanation, whose text is listed once with the number of findings it covers."""
    report = _report(study)
    found = _findings(study)
    listed = {entry["id"]: entry for entry in report["explanations"]}
    errors = found.loc[found["SEVERITY"].isin(["Reject", "Error"])]
    assert errors["EXPLANATION"].notna().all()
    assert report["summary"]["unexplained_failing"] == 0
    counts = found["EXPLANATION"].value_counts()
    assert {key: entry["findings"] for key, entry in listed.items() if entry["findings"]} == counts.to_dict()
    first = errors.iloc[0]
    text = load_explanations(MAPPINGS / STUDY.lower()).find(first.RULE, first.DATASET, first.VARIABLE or "")
    assert listed[first.EXPLANATION]["explanation"] == text.explanation


@pytest.mark.parametrize("folder", sorted(path.parent.name for path in MAPPINGS.glob("*/explanations.yaml")))
def test_every_explanation_names_a_rule_of_the_catalogue(folder: str) -> None:
    rules = {rule.id for rule in load_catalogue()}
    named = {item.rule for item in load_explanations(MAPPINGS / folder).explanations}
    assert named - rules == set()


@pytest.mark.slow
@needs_chromium
def test_report_page_shows_the_json_counts_in_headless_chromium(study: Path, tmp_path: Path) -> None:
    page = study / STUDY / "validation" / "report.html"
    assert "http://" not in page.read_text(encoding="utf-8").replace("http://www.w3.org", "")
    dom = dump_dom(page, tmp_path / "profile", timeout=120)
    summary = _report(study)["summary"]
    for severity, count in summary["by_severity"].items():
        assert f'id="sev-{severity}"><b>{count}</b>' in dom
    for status, count in summary["rules"].items():
        assert f'id="rules-{status.replace(" ", "-")}" class="count">{status}: {count} ' in dom
    assert f'id="unexplained">{summary["unexplained_failing"]} Reject/Error findings without an explanation' in dom
    shutil.rmtree(tmp_path / "profile", ignore_errors=True)
