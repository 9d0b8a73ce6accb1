"""Safety tables of the endpoint report: CRS and ICANS, adverse drug reactions by SOC/PT, hospitalisation.

Rules (each table states its population in its rows):

- Safety set: ADSL subjects with SAFFL = 'Y'; N is the denominator of every subject percentage.
- CRS / ICANS: treatment-emergent ADAE records (TRTEMFL = 'Y') flagged CRSFL / ICANSFL = 'Y' (ASTCT consensus
  grading, Lee DW et al., Biol Blood Marrow Transplant 2019;25:625). Incidence by the highest ASTCT grade per
  subject (AETOXGRN; a subject whose every event is ungraded counts under "Missing"). Time to onset = ONSLDDY
  (days from the most recent dose to onset, day of dose = 1) of each event, duration = ADURN in ADURU; both as
  n, median, minimum, maximum over events. Treatment: events with AETOCI = 'Y' (tocilizumab), AECORT = 'Y'
  (corticosteroids); outcome: AEOUT of each event.
- Adverse drug reactions: treatment-emergent ADAE records with ADRFL = 'Y' (related to the study drug as judged
  by the physician), counted once per subject per SOC (AEBODSYS) and PT (AEDECOD); serious = SADRFL = 'Y'.
- Hospitalisation: SDTM HO encounters whose HODECOD names a stay (WARD or INTENSIVE CARE) starting on or after
  the reference start (HOSTDY >= 1); length of stay = HOENDY - HOSTDY + 1 days; reason (HOINDC) and discharge
  status (HODISCH) from SUPPHO when the study collects them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cdiscmm.adam.checks import assert_columns

#: Event families of the CRS/ICANS tables: flag variable -> name.
ASTCT_EVENTS: dict[str, str] = {"CRSFL": "CRS", "ICANSFL": "ICANS"}
#: HODECOD words that make an encounter an inpatient stay.
STAY_WORDS = r"WARD|INTENSIVE CARE"


def safety_population(adsl: pd.DataFrame) -> int:
    """Number of ADSL subjects with SAFFL = 'Y'."""
    assert_columns(adsl, ["USUBJID", "SAFFL"], "ADSL")
    return int(adsl.loc[adsl["SAFFL"].eq("Y"), "USUBJID"].nunique())


def _pct(count: pd.Series | int, total: int) -> pd.Series | float:
    return 100 * count / total if total else np.nan


def _astct_events(adae: pd.DataFrame, flag: str) -> pd.DataFrame:
    assert_columns(adae, ["USUBJID", "TRTEMFL", flag, "AETOXGRN"], "ADAE")
    return adae.loc[adae["TRTEMFL"].eq("Y") & adae[flag].eq("Y")]


def tabulate_astct_grades(adae: pd.DataFrame, n_safety: int) -> pd.DataFrame:
    """Columns EVENT, GRADE, N, PCT: subjects by highest ASTCT grade, plus an 'Any grade' row per event family."""
    rows = []
    for flag, event in ASTCT_EVENTS.items():
        events = _astct_events(adae, flag)
        highest = events.groupby("USUBJID")["AETOXGRN"].max()
        grades = ("Grade " + highest.dropna().astype("int64").astype(str)).reindex(highest.index).fillna("Missing")
        counts = grades.value_counts()
        order = [f"Grade {grade}" for grade in range(1, 6)] + (["Missing"] if "Missing" in counts else [])
        rows.append(pd.DataFrame({"EVENT": event, "GRADE": "Any grade", "N": [len(highest)]}))
        rows.append(pd.DataFrame({"EVENT": event, "GRADE": order, "N": counts.reindex(order, fill_value=0).to_numpy()}))
    table = pd.concat(rows, ignore_index=True).astype({"N": "int64"})
    return table.assign(PCT=_pct(table["N"], n_safety))


def _describe(values: pd.Series) -> dict[str, float]:
    present = values.dropna().astype("float64")
    if present.empty:
        return {"N": 0, "MEDIAN": np.nan, "MIN": np.nan, "MAX": np.nan}
    return {
        "N": len(present),
        "MEDIAN": float(present.median()),
        "MIN": float(present.min()),
        "MAX": float(present.max()),
    }


def tabulate_astct_course(adae: pd.DataFrame) -> pd.DataFrame:
    """Columns EVENT, MEASURE, N, MEDIAN, MIN, MAX: time to onset (ONSLDDY) and duration (ADURN) over events."""
    rows = []
    for flag, event in ASTCT_EVENTS.items():
        events = _astct_events(adae, flag)
        assert_columns(events, ["ONSLDDY", "ADURN"], "ADAE")
        rows.append({"EVENT": event, "MEASURE": "Time to onset after last dose (days)", **_describe(events["ONSLDDY"])})
        rows.append({"EVENT": event, "MEASURE": "Duration (days)", **_describe(events["ADURN"])})
    return pd.DataFrame(rows).astype({"N": "int64"})


def tabulate_astct_management(adae: pd.DataFrame) -> pd.DataFrame:
    """Columns EVENT, ITEM, VALUE, N, PCT (of the family's events): treatment given and outcome of each event."""
    frames = []
    for flag, event in ASTCT_EVENTS.items():
        events = _astct_events(adae, flag)
        assert_columns(events, ["AETOCI", "AECORT", "AEOUT"], "ADAE")
        total = len(events)
        treated = pd.DataFrame(
            {
                "ITEM": "Treatment",
                "VALUE": ["Tocilizumab", "Corticosteroids"],
                "N": [int(events["AETOCI"].eq("Y").sum()), int(events["AECORT"].eq("Y").sum())],
            }
        )
        outcome = events["AEOUT"].fillna("Missing").value_counts().rename_axis("VALUE").reset_index(name="N")
        family = pd.concat([treated, outcome.assign(ITEM="Outcome")], ignore_index=True)
        frames.append(family.assign(EVENT=event, EVENTS=total, PCT=_pct(family["N"], total)))
    columns = ["EVENT", "ITEM", "VALUE", "EVENTS", "N", "PCT"]
    return pd.concat(frames, ignore_index=True).loc[:, columns].astype({"N": "int64", "EVENTS": "int64"})


def tabulate_adr(adae: pd.DataFrame, n_safety: int) -> pd.DataFrame:
    """Columns AEBODSYS, AEDECOD, N, PCT, N_SERIOUS, PCT_SERIOUS: subjects with an ADR per SOC and PT.

    A SOC row (AEDECOD 'All terms') precedes its PTs; SOCs and PTs by descending subject count, then name.
    The first row, 'Any adverse drug reaction', counts subjects with at least one.
    """
    assert_columns(adae, ["USUBJID", "TRTEMFL", "ADRFL", "SADRFL", "AEBODSYS", "AEDECOD"], "ADAE")
    adr = adae.loc[adae["TRTEMFL"].eq("Y") & adae["ADRFL"].eq("Y")]
    adr = adr.assign(
        AEBODSYS=adr["AEBODSYS"].fillna("Uncoded"), AEDECOD=adr["AEDECOD"].fillna("Uncoded"), _ser=adr["SADRFL"].eq("Y")
    )

    def count(keys: list[str]) -> pd.DataFrame:
        grouped = adr.groupby([*keys, "USUBJID"])["_ser"].any().reset_index()
        return grouped.groupby(keys).agg(N=("USUBJID", "size"), N_SERIOUS=("_ser", "sum")).reset_index()

    soc = count(["AEBODSYS"]).assign(AEDECOD="All terms")
    pt = count(["AEBODSYS", "AEDECOD"])
    soc_rank = soc.sort_values(["N", "AEBODSYS"], ascending=[False, True]).reset_index(drop=True)
    rank = pd.Series(range(len(soc_rank)), index=soc_rank["AEBODSYS"])
    rows = pd.concat([soc.assign(_level=0), pt.assign(_level=1)], ignore_index=True)
    rows = rows.assign(_soc=rows["AEBODSYS"].map(rank), _negn=-rows["N"])
    rows = rows.sort_values(["_soc", "_level", "_negn", "AEDECOD"]).drop(columns=["_soc", "_level", "_negn"])
    per_subject = adr.groupby("USUBJID")["_ser"].any()
    total = pd.DataFrame(
        {
            "AEBODSYS": ["Any adverse drug reaction"],
            "AEDECOD": [""],
            "N": [len(per_subject)],
            "N_SERIOUS": [int(per_subject.sum())],
        }
    )
    table = pd.concat([total, rows], ignore_index=True).astype({"N": "int64", "N_SERIOUS": "int64"})
    return table.assign(PCT=_pct(table["N"], n_safety), PCT_SERIOUS=_pct(table["N_SERIOUS"], n_safety)).loc[
        :, ["AEBODSYS", "AEDECOD", "N", "PCT", "N_SERIOUS", "PCT_SERIOUS"]
    ]


def tabulate_hospitalisation(ho: pd.DataFrame | None, n_safety: int) -> pd.DataFrame:
    """Columns CATEGORY, VALUE, N_SUBJECTS, PCT, N_STAYS, MEDIAN_DAYS: inpatient stays (module rules).

    One 'Any inpatient stay' row, one row per stay type (HODECOD), per reason (HOINDC) and per discharge status
    (HODISCH) when collected. ``ho`` None (study without HO) gives an empty table.
    """
    columns = ["CATEGORY", "VALUE", "N_SUBJECTS", "PCT", "N_STAYS", "MEDIAN_DAYS"]
    if ho is None:
        return pd.DataFrame(columns=columns)
    assert_columns(ho, ["USUBJID", "HODECOD", "HOSTDY", "HOENDY"], "HO")
    stays = ho.loc[ho["HODECOD"].fillna("").str.contains(STAY_WORDS) & ho["HOSTDY"].ge(1)]
    stays = stays.assign(_days=stays["HOENDY"] - stays["HOSTDY"] + 1, _all="Any inpatient stay")
    frames = []
    for category, column in [("All", "_all"), ("Type", "HODECOD"), ("Reason", "HOINDC"), ("Discharge", "HODISCH")]:
        if column not in stays.columns:
            continue
        grouped = stays.assign(_key=stays[column].fillna("Missing")).groupby("_key")
        part = grouped.agg(
            N_SUBJECTS=("USUBJID", "nunique"), N_STAYS=("USUBJID", "size"), MEDIAN_DAYS=("_days", "median")
        )
        frames.append(
            part.sort_values("N_STAYS", ascending=False).rename_axis("VALUE").reset_index().assign(CATEGORY=category)
        )
    if not frames or stays.empty:
        return pd.DataFrame(columns=columns)
    table = pd.concat(frames, ignore_index=True)
    return table.assign(PCT=_pct(table["N_SUBJECTS"], n_safety)).loc[:, columns]
