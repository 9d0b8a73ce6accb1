"""Independent cross-check of the ADaM engine: IMWG CBOR and PFS/OS re-derived from SDTM, subject by subject.

Each bundled study is generated small (raw -> SDTM -> ADaM through the command line, in process), then the
confirmed best overall response and the PFS / OS records are derived again here with plain per-subject Python
written from the stated rules, without calling :mod:`cdiscmm.adam.imwg` or :mod:`cdiscmm.adam.tte`, and
compared with ADRS and ADTTE.

Rules re-implemented (``specs/adam/adrs.yaml``, ``specs/adam/adtte.yaml``, ``specs/adam/adsl.yaml``;
``/work/shared/reference/domain.md`` §1.3 = Kumar 2016 / Durie 2006 footnote a / admiralonco adrs_imwg):

- Subject dates: TRTSDT = earliest complete EX.EXSTDTC with EXDOSE > 0; DTHDT = DM.DTHDTC, a partial date
  imputed to its first day; NACTDT = earliest complete CM.CMSTDTC with CMCAT 'SUBSEQUENT ANTI-MYELOMA
  THERAPY'; LSTALVDT = DTHDT if dead, else the latest complete date of the ADSL spec's list.
- Assessments: RS OVRLRESP (RSCAT 'KUMAR IMWG 2016', RSEVAL 'INVESTIGATOR' when those variables are
  delivered) with a result and a complete RSDTC, on or before NACTDT ("two consecutive
  assessments made at any time before the institution of any new therapy"); one per date, the worst.
- Confirmation, per assessment X with Y the next assessment that is not NE: a response (sCR, CR, VGPR, PR,
  MR) followed by a response is confirmed at the lower of the two; a response followed by anything else
  (or nothing) counts as SD; SD needs no confirmation; PD is confirmed by a following PD, or by death when
  no evaluable assessment follows and the death is on or before NACTDT ("PD/death" of the admiralonco
  confirmation table, within "before the institution of any new therapy"); an unconfirmed PD is
  NE; NE is NE. The subject stays in the last confirmed category until a higher one or PD is confirmed.
- CBOR: the best confirmed category up to the first confirmed PD (sCR > CR > VGPR > PR > MR > SD > PD > NE),
  NE without assessments. PD date = the first confirmed PD assessment.
- PFS from TRTSDT: event = the earlier of confirmed PD and death (death only when on or before NACTDT or
  without new therapy); otherwise censored at the last assessment that is not NE (analysed, before new
  therapy), or at TRTSDT without one; never before TRTSDT.
- OS from TRTSDT: event = death; otherwise censored at LSTALVDT.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from cdiscmm.cli import main
from cdiscmm.io.xpt.read import read_xpt

STUDIES = ("ELRA-JP-PMS", "EQUE-CN-RWS", "ISA-OBS-RRMM")
SUBJECTS = 40
SEED = 5

RESPONSES = ("sCR", "CR", "VGPR", "PR", "MR")
#: Better is larger (BOR order); NE lowest.
BEST = {"sCR": 7, "CR": 6, "VGPR": 5, "PR": 4, "MR": 3, "SD": 2, "PD": 1, "NE": 0}
#: Worst first when two assessments share a date: PD worst, NE only when nothing else was assessed.
WORST = {"PD": 0, "SD": 1, "MR": 2, "PR": 3, "VGPR": 4, "CR": 5, "sCR": 6, "NE": 7}
#: Carried-forward status: a confirmed PD outranks every response, NE lowest.
STATUS = {"NE": 0, "SD": 1, "MR": 2, "PR": 3, "VGPR": 4, "CR": 5, "sCR": 6, "PD": 7}
SUBSEQUENT = "SUBSEQUENT ANTI-MYELOMA THERAPY"
#: ADSL LSTALVDT sources: (domain, date variables) (specs/adam/adsl.yaml).
ALIVE_SOURCES = [
    ("DM", ["RFICDTC", "RFSTDTC", "RFXSTDTC", "RFXENDTC"]),
    ("EX", ["EXSTDTC", "EXENDTC"]),
    ("AE", ["AESTDTC", "AEENDTC"]),
    ("RS", ["RSDTC"]),
    ("LB", ["LBDTC"]),
    ("QS", ["QSDTC"]),
    ("DS", ["DSSTDTC"]),
    ("SS", ["SSDTC"]),
]


@dataclass
class Study:
    sdtm: dict[str, pd.DataFrame]
    adsl: pd.DataFrame
    adrs: pd.DataFrame
    adtte: pd.DataFrame


def _read(folder: Path) -> dict[str, pd.DataFrame]:
    return {path.stem.upper(): read_xpt(path).data for path in sorted(folder.glob("*.xpt"))}


@pytest.fixture(scope="module")
def studies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Study]:
    """Each bundled study, N = 40, seed 5: raw, SDTM and ADaM built with the command line."""
    root = tmp_path_factory.mktemp("rederivation")
    built = {}
    for studyid in STUDIES:
        raw = root / studyid / "raw"
        generate = ["raw", "generate", "--study", studyid, "--subjects", str(SUBJECTS), "--seed", str(SEED)]
        steps = [
            [*generate, "--out", str(raw)],
            ["sdtm", "--study", studyid, "--raw", str(raw), "--out", str(root)],
            ["adam", "--sdtm", str(root / studyid / "sdtm"), "--out", str(root)],
        ]
        for step in steps:
            assert main([*step, "-q"]) == 0, step
        adam = _read(root / studyid / "adam")
        built[studyid] = Study(_read(root / studyid / "sdtm"), adam["ADSL"], adam["ADRS"], adam["ADTTE"])
    return built


# --- independent re-derivation (plain Python, one subject at a time) ----------------------------------------


def read_date(text: object, *, impute: bool = False) -> pd.Timestamp | None:
    """The date of an ISO 8601 value: only when year, month and day are all given and valid, or, with ``impute``,
    a partial date on its first possible day (day -> 01, month -> January); else None."""
    pattern = r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?" if impute else r"^(\d{4})-(\d{2})-(\d{2})"
    match = re.match(pattern, str(text)) if isinstance(text, str) else None
    if not match:
        return None
    try:
        return pd.Timestamp(int(match[1]), int(match[2] or 1), int(match[3] or 1))
    except ValueError:
        return None


def complete_date(text: object) -> pd.Timestamp | None:
    """The date of an ISO 8601 value when year, month and day are all given and valid; else None."""
    return read_date(text)


def first_day(text: object) -> pd.Timestamp | None:
    """A partial ISO 8601 date imputed to its first possible day (day -> 01, month -> January)."""
    return read_date(text, impute=True)


def _dates(frame: pd.DataFrame, column: str) -> dict[str, list[pd.Timestamp]]:
    out: dict[str, list[pd.Timestamp]] = {}
    for subject, text in zip(frame["USUBJID"], frame[column], strict=True):
        date = complete_date(text)
        if date is not None:
            out.setdefault(subject, []).append(date)
    return out


def rederive_subject_dates(sdtm: dict[str, pd.DataFrame]) -> dict[str, dict[str, pd.Timestamp | None]]:
    """USUBJID -> TRTSDT, DTHDT, NACTDT, LSTALVDT by the ADSL spec's rules."""
    dm, ex, cm = sdtm["DM"], sdtm["EX"], sdtm["CM"]
    dosed = _dates(ex.loc[pd.to_numeric(ex["EXDOSE"], errors="coerce") > 0], "EXSTDTC")
    subsequent = _dates(cm.loc[cm["CMCAT"].eq(SUBSEQUENT)], "CMSTDTC")
    alive: dict[str, list[pd.Timestamp]] = {}
    for domain, columns in ALIVE_SOURCES:
        frame = sdtm.get(domain)
        if frame is None:
            continue
        if domain == "SS":
            frame = frame.loc[frame["SSTESTCD"].eq("SURVSTAT") & frame["SSSTRESC"].eq("ALIVE")]
        for column in columns:
            if column in frame.columns:
                for subject, dates in _dates(frame, column).items():
                    alive.setdefault(subject, []).extend(dates)
    facts = {}
    for row in dm.itertuples():
        death = first_day(row.DTHDTC)
        facts[row.USUBJID] = {
            "TRTSDT": min(dosed.get(row.USUBJID, []), default=None),
            "DTHDT": death,
            "NACTDT": min(subsequent.get(row.USUBJID, []), default=None),
            "LSTALVDT": death or max(alive.get(row.USUBJID, []), default=None),
        }
    return facts


def select_assessments(rs: pd.DataFrame, nactdt: pd.Timestamp | None) -> list[tuple[pd.Timestamp, str]]:
    """One subject's analysed assessments: (date, response), one per date (the worst), on or before NACTDT."""
    by_date: dict[pd.Timestamp, str] = {}
    for column, value in (("RSCAT", "KUMAR IMWG 2016"), ("RSEVAL", "INVESTIGATOR")):
        if column in rs.columns:
            rs = rs.loc[rs[column].eq(value)]
    for row in rs.itertuples():
        date = complete_date(row.RSDTC)
        if row.RSTESTCD != "OVRLRESP" or not isinstance(row.RSSTRESC, str) or not row.RSSTRESC or date is None:
            continue
        if nactdt is not None and date > nactdt:
            continue
        if date not in by_date or WORST[row.RSSTRESC] < WORST[by_date[date]]:
            by_date[date] = row.RSSTRESC
    return sorted(by_date.items())


def confirm_responses(
    assessments: list[tuple[pd.Timestamp, str]], death: pd.Timestamp | None
) -> list[tuple[pd.Timestamp, str]]:
    """The confirmed status at each assessment (date, category), carried forward (module rules)."""
    status: str | None = None
    confirmed = []
    for index, (date, response) in enumerate(assessments):
        later = [value for _, value in assessments[index + 1 :] if value != "NE"]
        following = later[0] if later else None
        if response in RESPONSES:
            own = min(response, following, key=BEST.get) if following in RESPONSES else "SD"
        elif response == "PD":
            died_after = following is None and death is not None and death >= date
            own = "PD" if following == "PD" or died_after else "NE"
        else:
            own = response  # SD or NE
        if status is None or STATUS[own] > STATUS[status]:
            status = own
        confirmed.append((date, status))
    return confirmed


def best_confirmed(confirmed: list[tuple[pd.Timestamp, str]]) -> str:
    """CBOR: the best confirmed category up to and including the first confirmed PD; NE without any."""
    best = "NE"
    for _, category in confirmed:
        if BEST[category] > BEST[best]:
            best = category
        if category == "PD":
            break
    return best


def rederive(study: Study) -> pd.DataFrame:
    """One row per subject: CBOR, PD date, PFS (ADT, CNSR) and OS (ADT, CNSR), re-derived from SDTM."""
    facts = rederive_subject_dates(study.sdtm)
    rs = study.sdtm["RS"]
    rows = []
    for subject, dates in facts.items():
        assessments = select_assessments(rs.loc[rs["USUBJID"].eq(subject)], dates["NACTDT"])
        start, death, nactdt = dates["TRTSDT"], dates["DTHDT"], dates["NACTDT"]
        counted_death = death if death is not None and (nactdt is None or death <= nactdt) else None
        confirmed = confirm_responses(assessments, counted_death)
        pd_date = next((date for date, category in confirmed if category == "PD"), None)
        events = [date for date in (pd_date, counted_death) if date is not None]
        adequate = [date for date, response in assessments if response != "NE"]
        row = {"USUBJID": subject, "CBOR": best_confirmed(confirmed), "PDDT": pd_date, **dates}
        if start is not None:  # no treatment start: no PFS / OS record
            pfs_date, pfs_cnsr = (min(events), 0) if events else (max([start, *adequate]), 1)
            os_date, os_cnsr = (death, 0) if death is not None else (dates["LSTALVDT"], 1)
            row |= {"PFSDT": max(pfs_date, start), "PFSCNSR": pfs_cnsr, "OSDT": max(os_date, start), "OSCNSR": os_cnsr}
        rows.append(row)
    return pd.DataFrame(rows).set_index("USUBJID")


# --- comparison ---------------------------------------------------------------------------------------------


def _same(expected: object, got: object) -> bool:
    """Equal values, both missing, or equal dates whatever their resolution."""
    expected_missing, got_missing = expected is None or pd.isna(expected), got is None or pd.isna(got)
    if expected_missing or got_missing:
        return expected_missing and got_missing
    if isinstance(expected, pd.Timestamp):
        return pd.Timestamp(expected) == pd.Timestamp(got)
    return expected == got


def _history(study: Study, subject: str) -> str:
    rs = study.sdtm["RS"]
    rows = rs.loc[rs["USUBJID"].eq(subject) & rs["RSTESTCD"].eq("OVRLRESP")]
    return " ".join(f"{row.RSSEQ:g}:{row.RSDTC}={row.RSSTRESC or '-'}" for row in rows.itertuples())


def _mismatches(study: Study, expected: pd.DataFrame, got: pd.DataFrame, columns: dict[str, str]) -> list[str]:
    found = []
    for subject in expected.index:
        for mine, theirs in columns.items():
            want = expected.loc[subject, mine] if mine in expected.columns else None
            have = got.loc[subject, theirs] if subject in got.index else None
            if not _same(want, have):
                found.append(f"{subject} {mine}: expected {want}, got {have}; RS {_history(study, subject)}")
    return found


@pytest.fixture(scope="module")
def expected(studies: dict[str, Study]) -> dict[str, pd.DataFrame]:
    return {studyid: rederive(study) for studyid, study in studies.items()}


def _param(frame: pd.DataFrame, paramcd: str) -> pd.DataFrame:
    return frame.loc[frame["PARAMCD"].eq(paramcd)].set_index("USUBJID")


@pytest.mark.parametrize("studyid", STUDIES)
def test_adsl_dates_match(studies: dict[str, Study], expected: dict[str, pd.DataFrame], studyid: str) -> None:
    study = studies[studyid]
    adsl = study.adsl.set_index("USUBJID")
    columns = {name: name for name in ("TRTSDT", "DTHDT", "NACTDT", "LSTALVDT")}
    assert _mismatches(study, expected[studyid], adsl, columns) == []


@pytest.mark.parametrize("studyid", STUDIES)
def test_confirmed_best_response_matches(
    studies: dict[str, Study], expected: dict[str, pd.DataFrame], studyid: str
) -> None:
    study = studies[studyid]
    mismatches = _mismatches(study, expected[studyid], _param(study.adrs, "CBOR"), {"CBOR": "AVALC"})
    assert mismatches == []
    # the comparison is not vacuous: several categories occur
    assert expected[studyid]["CBOR"].nunique() >= 3


@pytest.mark.parametrize("studyid", STUDIES)
def test_confirmed_pd_matches(studies: dict[str, Study], expected: dict[str, pd.DataFrame], studyid: str) -> None:
    study = studies[studyid]
    pd_param = _param(study.adrs, "PD")
    got = pd_param.assign(PDDT=pd_param["ADT"].where(pd_param["AVALC"].eq("Y")))
    assert _mismatches(study, expected[studyid], got, {"PDDT": "PDDT"}) == []


@pytest.mark.parametrize("studyid", STUDIES)
def test_pfs_matches(studies: dict[str, Study], expected: dict[str, pd.DataFrame], studyid: str) -> None:
    study = studies[studyid]
    mine = expected[studyid].dropna(subset=["TRTSDT"])
    pfs = _param(study.adtte, "PFS")
    assert sorted(pfs.index) == sorted(mine.index)
    assert _mismatches(study, mine, pfs, {"PFSDT": "ADT", "PFSCNSR": "CNSR", "TRTSDT": "STARTDT"}) == []
    assert set(mine["PFSCNSR"]) == {0, 1}


@pytest.mark.parametrize("studyid", STUDIES)
def test_os_matches(studies: dict[str, Study], expected: dict[str, pd.DataFrame], studyid: str) -> None:
    study = studies[studyid]
    mine = expected[studyid].dropna(subset=["TRTSDT"])
    os_ = _param(study.adtte, "OS")
    assert sorted(os_.index) == sorted(mine.index)
    assert _mismatches(study, mine, os_, {"OSDT": "ADT", "OSCNSR": "CNSR"}) == []


@pytest.mark.parametrize("studyid", STUDIES)
def test_death_agrees_across_dm_ds_dd(studies: dict[str, Study], studyid: str) -> None:
    """DM.DTHDTC, the DS death (disposition event DEATH ending study participation) and DD tell one story.

    DS may lack a death whose end-of-study page was unreadable (that row is in rejects.csv); where both dates
    are known they agree as far as both are precise (the end-of-study and death pages may each be partial)."""
    sdtm = studies[studyid].sdtm
    dm = sdtm["DM"].set_index("USUBJID")
    ds = sdtm["DS"]
    dead_dm = {subject for subject, text in dm["DTHDTC"].items() if isinstance(text, str) and text}
    deaths = ds.loc[
        ds["DSDECOD"].eq("DEATH") & ds["DSCAT"].eq("DISPOSITION EVENT") & ds["DSSCAT"].eq("STUDY PARTICIPATION")
    ]
    assert set(deaths["USUBJID"]) <= dead_dm
    assert len(deaths) >= 0.9 * len(dead_dm)
    for row in deaths.itertuples():
        death = dm.loc[row.USUBJID, "DTHDTC"]
        common = min(len(death), len(row.DSSTDTC))
        assert death[:common] == row.DSSTDTC[:common], row.USUBJID
    if "DD" in sdtm:
        assert set(sdtm["DD"]["USUBJID"]) <= dead_dm


def test_pd_is_not_confirmed_by_a_death_after_new_therapy(studies: dict[str, Study]) -> None:
    """Durie 2006 footnote a / domain.md §1.3: both assessments of a confirmation precede any new therapy.

    Regression (found by this re-derivation): a last PD was confirmed by a death at any later time, e.g. a
    death from an adverse event eight months after a new line had started."""
    mismatches = []
    for study in studies.values():
        rs = study.sdtm["RS"]
        pd_param = _param(study.adrs, "PD")
        for subject, dates in rederive_subject_dates(study.sdtm).items():
            death, nactdt = dates["DTHDT"], dates["NACTDT"]
            before_new_therapy = death if death is not None and (nactdt is None or death <= nactdt) else None
            assessments = select_assessments(rs.loc[rs["USUBJID"].eq(subject)], nactdt)
            confirmed = confirm_responses(assessments, before_new_therapy)
            want = next((date for date, category in confirmed if category == "PD"), None)
            have = pd_param.loc[subject, "ADT"] if pd_param.loc[subject, "AVALC"] == "Y" else None
            if not _same(want, have):
                mismatches.append(f"{subject}: PD expected {want}, got {have}; RS {_history(study, subject)}")
    assert mismatches == []
