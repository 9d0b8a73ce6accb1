"""IMWG 2016 response engine: confirmed response per assessment, BOR/CBOR and responder parameters, each explained.

Input is one row per response assessment (RS ``OVRLRESP`` mapped to ADaM): ``USUBJID``, ``ADT`` (date),
``AVALC`` in {sCR, CR, VGPR, PR, MR, SD, PD, NE} and a source sequence (``RSSEQ`` by default). Subject-level
facts come from an ADSL-like frame: ``USUBJID``, the new anti-myeloma therapy date (``NACTDT``) and the death
date (``DTHDT``), either may be missing.

Typical order of the steps (each is one function):

1. :func:`filter_worst_per_date` - one assessment per subject and date;
2. :func:`filter_assessments_before_new_therapy` - IMWG counts only assessments before new therapy;
3. :func:`derive_param_confirmed_response` (COVR) on all those assessments;
4. :func:`filter_assessments_up_to_first_pd` on OVR (for BOR) and on COVR (for CBOR, RSP, ...);
5. :func:`derive_param_bor`, :func:`derive_param_cbor`, :func:`derive_param_response`, :func:`derive_param_pd`.

Every derived record carries ``SRCSEQS`` (the source sequence numbers it was derived from, as text such as
``"3,4"``) and ``DERIVTXT`` (the rule applied), so the engine explains each response it assigns.

Sources: Kumar S et al., Lancet Oncol 2016;17:e328 (IMWG 2016); Durie BGM et al., Leukemia 2006, Table 5
footnote a ("two consecutive assessments made at any time before the institution of any new therapy");
admiralonco vignette ``adrs_imwg.Rmd`` (confirmation table, ``aval_resp_imwg`` AVAL coding, ANL01FL worst
per date, carry-forward of the last confirmed status).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cdiscmm.adam.checks import assert_columns, assert_unique, assert_values
from cdiscmm.adam.lineage import compute_seq_text

#: IMWG categories from best to worst, NE last (domain.md §1.3).
RESPONSES: tuple[str, ...] = ("sCR", "CR", "VGPR", "PR", "MR", "SD", "PD", "NE")
#: Categories that are a response and need confirmation (MR included: IMWG confirms every category).
RESPONSE_CATEGORIES: tuple[str, ...] = ("sCR", "CR", "VGPR", "PR", "MR")
#: ADaM AVAL of a response record, admiralonco ``aval_resp_imwg`` (domain.md §1.4): NE=8, sCR=7 ... PD=1.
AVAL_IMWG: dict[str, int] = {"NE": 8, "sCR": 7, "CR": 6, "VGPR": 5, "PR": 4, "MR": 3, "SD": 2, "PD": 1}
#: Rank for "best" (BOR): sCR best, NE worst.
_BEST_RANK: dict[str, int] = {"sCR": 7, "CR": 6, "VGPR": 5, "PR": 4, "MR": 3, "SD": 2, "PD": 1, "NE": 0}
#: Rank for the confirmed status carried forward, admiralonco ``aval_resp_conf``: a confirmed PD outranks all.
_STATUS_RANK: dict[str, int] = {"PD": 8, "sCR": 7, "CR": 6, "VGPR": 5, "PR": 4, "MR": 3, "SD": 2, "NE": 1}
_STATUS_BY_RANK: dict[int, str] = {rank: category for category, rank in _STATUS_RANK.items()}

_ADSL = "ADSL"
_RS = "response assessments"


def _assert_assessments(dataset: pd.DataFrame, source_seq: str) -> None:
    assert_columns(dataset, ["USUBJID", "ADT", "AVALC", source_seq], _RS)
    assert_values(dataset["AVALC"], RESPONSES, _RS)


def _subject_dates(dataset_adsl: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    assert_columns(dataset_adsl, ["USUBJID", *columns], _ADSL)
    assert_unique(dataset_adsl, ["USUBJID"], _ADSL)
    return dataset_adsl.loc[:, ["USUBJID", *columns]]


def filter_worst_per_date(dataset: pd.DataFrame, source_seq: str = "RSSEQ") -> pd.DataFrame:
    """Keep one assessment per subject and date: the worst response, NE only when every record that day is NE.

    Rule (admiralonco ``adrs_imwg.Rmd``, ANL01FL: ``derive_var_extreme_flag(by_vars = USUBJID, ADT,
    order = AVAL, RSSEQ, mode = "first")`` with AVAL coded NE=8 ... PD=1): the record with the lowest AVAL
    is kept, so PD beats SD beats MR ... beats sCR, and NE (AVAL 8) is kept only when nothing else was
    assessed that day. Equal responses: the lowest ``source_seq`` is kept. Rows with a missing ADT are
    dropped (they cannot be placed in time).
    """
    _assert_assessments(dataset, source_seq)
    ranked = dataset.assign(_aval=dataset["AVALC"].map(AVAL_IMWG)).dropna(subset=["ADT"])
    ranked = ranked.sort_values(["USUBJID", "ADT", "_aval", source_seq], kind="stable")
    return ranked.drop_duplicates(["USUBJID", "ADT"], keep="first").drop(columns="_aval")


def filter_assessments_before_new_therapy(
    dataset: pd.DataFrame, dataset_adsl: pd.DataFrame, new_therapy_date: str = "NACTDT"
) -> pd.DataFrame:
    """Keep the assessments made on or before the start of new anti-myeloma therapy.

    Rule: IMWG responses require assessments "made at any time before the institution of any new therapy"
    (Durie 2006, Table 5 footnote a; Kumar 2016). An assessment on the day the new therapy starts is kept,
    as in admiralonco's confirmation step (``ADT.next <= NACTDT``). Subjects without a new-therapy date keep
    all their assessments. Subjects absent from ``dataset_adsl`` keep all their assessments too.
    """
    assert_columns(dataset, ["USUBJID", "ADT"], _RS)
    dates = _subject_dates(dataset_adsl, [new_therapy_date]).rename(columns={new_therapy_date: "_nact"})
    merged = dataset.merge(dates, on="USUBJID", how="left", validate="many_to_one")
    keep = merged["_nact"].isna() | (merged["ADT"] <= merged["_nact"])
    return dataset.loc[keep.to_numpy()]


def filter_assessments_up_to_first_pd(dataset: pd.DataFrame) -> pd.DataFrame:
    """Keep each subject's assessments up to and including the first one with ``AVALC == "PD"``.

    Rule: best overall response is taken "up to first PD" (admiralonco ANL03FL, ``filter_relative(...,
    condition = AVALC == "PD", mode = "first", selection = "before", inclusive = TRUE)``). Applied to OVR it
    cuts at the first (unconfirmed) PD; applied to COVR at the first confirmed PD. Subjects without PD keep
    everything.
    """
    assert_columns(dataset, ["USUBJID", "ADT", "AVALC"], _RS)
    first_pd = dataset["ADT"].where(dataset["AVALC"].eq("PD")).groupby(dataset["USUBJID"]).transform("min")
    return dataset.loc[first_pd.isna() | (dataset["ADT"] <= first_pd)]


def derive_param_confirmed_response(
    dataset: pd.DataFrame,
    dataset_adsl: pd.DataFrame,
    *,
    source_seq: str = "RSSEQ",
    death_date: str = "DTHDT",
    new_therapy_date: str = "NACTDT",
    ne_breaks_confirmation: bool = False,
) -> pd.DataFrame:
    """Derive the confirmed response at each assessment (PARAMCD ``COVR``), with its source records and rule.

    Input: one assessment per subject and date (use :func:`filter_worst_per_date`), already restricted to
    assessments before new therapy (:func:`filter_assessments_before_new_therapy`).

    Rule for an assessment X, with Y the next *evaluable* assessment of the subject (IMWG 2016 as tabulated
    in admiralonco ``adrs_imwg.Rmd``; two consecutive assessments, no minimum interval):

    - X in {sCR, CR, VGPR, PR, MR} and Y in {sCR, CR, VGPR, PR, MR}: confirmed at the lower of the two levels
      (same or better -> X; worse -> Y; e.g. CR then VGPR gives VGPR at X's date). Sources: X, Y.
    - X a response and Y in {SD, PD} or no Y: not confirmed, X counts as SD. Source: X.
    - X = SD: SD, no confirmation needed (IMWG has no SD minimum duration). Source: X.
    - X = PD: confirmed when Y = PD (sources X, Y), or when there is no Y and the subject died on or after X
      and on or before any new anti-myeloma therapy (sources X; the death date is named in DERIVTXT): every
      category, PD included, needs its two assessments "before the institution of any new therapy" (Durie
      2006 footnote a, domain.md §1.3), so a death after a new line started confirms nothing. Death alone,
      without a PD assessment, is never a PD here: death is an event of its own in PFS/OS. An unconfirmed PD
      counts as NE.
    - X = NE: NE.

    NE handling (decision): by default NE assessments are skipped when looking for Y, so the assessments
    around an NE are treated as consecutive evaluable assessments (admiralonco: "Remove records with response
    of NE and derive intermediate response"): PR, NE, PR confirms the first PR. With
    ``ne_breaks_confirmation=True`` an NE is the next assessment like any other and breaks the pair (a
    sensitivity analysis for the strict reading of "two consecutive assessments"): PR, NE, PR then confirms
    nothing.

    Carry-forward: "patients will continue in the last confirmed response category until there is
    confirmation of progression or improvement to a higher response status" (admiralonco). The value shown
    is the running maximum in the order NE < SD < MR < PR < VGPR < CR < sCR < PD; when a row shows a carried
    value, SRCSEQS names the records that established it and DERIVTXT says so.

    Returns one COVR row per input row: the input columns (the source sequence dropped) with PARAMCD, PARAM,
    AVALC, AVAL (coded as :data:`AVAL_IMWG`), SRCSEQS and DERIVTXT.
    """
    _assert_assessments(dataset, source_seq)
    assert_unique(dataset, ["USUBJID", "ADT"], _RS, hint="run filter_worst_per_date first")
    rows = _with_next_evaluable(
        dataset, dataset_adsl, source_seq, (death_date, new_therapy_date), ne_breaks_confirmation
    )
    own, own_text, own_seqs = _confirm_each(rows, source_seq)
    return _carry_forward(rows, own, own_text, own_seqs, source_seq)


def _with_next_evaluable(
    dataset: pd.DataFrame, dataset_adsl: pd.DataFrame, source_seq: str, dates: tuple[str, str], ne_breaks: bool
) -> pd.DataFrame:
    """The assessments by subject and date with the next evaluable one (``_next``, ``_next_seq``; NE skipped unless
    ``ne_breaks``) and the subject's death and new-therapy dates (``_dthdt``, ``_nactdt``)."""
    death_date, new_therapy_date = dates
    deaths = _subject_dates(dataset_adsl, [death_date, new_therapy_date]).rename(
        columns={death_date: "_dthdt", new_therapy_date: "_nactdt"}
    )
    rows = (
        dataset.sort_values(["USUBJID", "ADT"], kind="stable")
        .reset_index(drop=True)
        .merge(deaths, on="USUBJID", how="left", validate="many_to_one")
    )
    candidates = rows if ne_breaks else rows.loc[rows["AVALC"].ne("NE")]
    following = candidates.groupby("USUBJID")[["AVALC", source_seq, "ADT"]].shift(-1)
    rows["_next"] = following["AVALC"].reindex(rows.index)
    rows["_next_seq"] = following[source_seq].reindex(rows.index)
    return rows


def _confirmation_cases(rows: pd.DataFrame) -> list[tuple[pd.Series, pd.Series, bool, pd.Series]]:
    """The rule's cases in order: (condition, confirmed level, whether the next assessment is a source, text)."""
    current, upcoming = rows["AVALC"], rows["_next"]
    is_response = current.isin(RESPONSE_CATEGORIES)
    next_is_response = upcoming.isin(RESPONSE_CATEGORIES)
    next_is_worse = upcoming.map(_BEST_RANK) < current.map(_BEST_RANK)
    before_new_therapy = rows["_nactdt"].isna() | (rows["_dthdt"] <= rows["_nactdt"])
    died_after = rows["_dthdt"].notna() & (rows["_dthdt"] >= rows["ADT"]) & before_new_therapy
    death_text = "PD confirmed by death on " + rows["_dthdt"].dt.strftime("%Y-%m-%d") + " (no later assessment)"
    return [
        (is_response & next_is_response & ~next_is_worse, current, True, current + " confirmed by next " + upcoming),
        (
            is_response & next_is_response & next_is_worse,
            upcoming,
            True,
            current + " then " + upcoming + ": confirmed at the lower level " + upcoming,
        ),
        (
            is_response,
            pd.Series("SD", index=rows.index),
            False,
            current + " not confirmed (next evaluable: " + upcoming.fillna("none") + "): counts as SD",
        ),
        (current.eq("SD"), current, False, pd.Series("SD needs no confirmation", index=rows.index)),
        (current.eq("PD") & upcoming.eq("PD"), current, True, pd.Series("PD confirmed by next PD", index=rows.index)),
        (current.eq("PD") & upcoming.isna() & died_after, current, False, death_text),
        (
            current.eq("PD"),
            pd.Series("NE", index=rows.index),
            False,
            "PD not confirmed (next evaluable: " + upcoming.fillna("none") + "): counts as NE",
        ),
    ]


def _confirm_each(rows: pd.DataFrame, source_seq: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Each assessment's own confirmed level, its rule text and its source sequences (the first case that holds;
    none: NE, 'not evaluable')."""
    cases = _confirmation_cases(rows)
    conditions = [condition.to_numpy(dtype=bool) for condition, *_ in cases]
    own = pd.Series(np.select(conditions, [level.to_numpy() for _, level, _, _ in cases], "NE"), index=rows.index)
    own_text = pd.Series(
        np.select(conditions, [text.to_numpy() for *_, text in cases], "not evaluable"), index=rows.index
    )
    uses_next = pd.Series(np.select(conditions, [np.full(len(rows), pair) for _, _, pair, _ in cases], False))
    own_seqs = compute_seq_text(rows[source_seq], rows["_next_seq"].where(uses_next.astype(bool)))
    return own, own_text, own_seqs


def _carry_forward(
    rows: pd.DataFrame, own: pd.Series, own_text: pd.Series, own_seqs: pd.Series, source_seq: str
) -> pd.DataFrame:
    """The COVR records: the running maximum status per subject, with the sources and text of the assessment that
    established a carried value."""
    rank = own.map(_STATUS_RANK)
    status = rank.groupby(rows["USUBJID"]).cummax()
    carried = rank < status
    origin = pd.Series(np.where(carried, np.nan, np.arange(len(rows))), index=rows.index)
    origin = origin.groupby(rows["USUBJID"]).ffill().astype(int)
    shown = status.map(_STATUS_BY_RANK)
    origin_dates = rows["ADT"].iloc[origin.to_numpy()].dt.strftime("%Y-%m-%d").to_numpy()
    carried_text = own_text + "; remains " + shown + " (last confirmed status, from " + origin_dates + ")"
    covr = rows.drop(columns=[source_seq, "_next", "_next_seq", "_dthdt", "_nactdt"]).assign(
        PARAMCD="COVR",
        PARAM="IMWG Confirmed Response at Time Point",
        AVALC=shown.astype("str"),
        AVAL=shown.map(AVAL_IMWG).astype("int64"),
        SRCSEQS=own_seqs.iloc[origin.to_numpy()].to_numpy(),
        DERIVTXT=own_text.where(~carried, carried_text).astype("str"),
    )
    covr["SRCSEQS"] = covr["SRCSEQS"].astype("str")
    return covr


def _derive_best(
    dataset: pd.DataFrame, dataset_adsl: pd.DataFrame, seq_text: pd.Series, paramcd: str, param: str
) -> pd.DataFrame:
    subjects = _subject_dates(dataset_adsl, [])
    ranked = dataset.assign(_rank=dataset["AVALC"].map(_BEST_RANK), SRCSEQS=seq_text.astype("str"))
    best = ranked.sort_values(["USUBJID", "_rank", "ADT"], ascending=[True, False, True], kind="stable")
    best = best.drop_duplicates("USUBJID").loc[:, ["USUBJID", "ADT", "AVALC", "SRCSEQS"]]
    out = subjects.merge(best, on="USUBJID", how="left")
    assessed = out["AVALC"].notna()
    all_ne = out["AVALC"].eq("NE")
    out["AVALC"] = out["AVALC"].fillna("NE").astype("str")
    out["DERIVTXT"] = np.select(
        [~assessed, all_ne],
        ["no response assessment: NE", "no evaluable assessment (all NE): NE"],
        ("best response " + out["AVALC"] + ", first reached on this date").to_numpy(),
    )
    return (
        out.assign(PARAMCD=paramcd, PARAM=param, AVAL=out["AVALC"].map(AVAL_IMWG).astype("int64"))
        .loc[:, ["USUBJID", "PARAMCD", "PARAM", "ADT", "AVALC", "AVAL", "SRCSEQS", "DERIVTXT"]]
        .astype({"DERIVTXT": "str", "SRCSEQS": "str"})
    )


def derive_param_bor(dataset: pd.DataFrame, dataset_adsl: pd.DataFrame, source_seq: str = "RSSEQ") -> pd.DataFrame:
    """Derive the best overall response without confirmation (PARAMCD ``BOR``), one row per ADSL subject.

    Input: OVR assessments before new therapy and up to the first PD (:func:`filter_assessments_up_to_first_pd`).
    Rule: the best category in the order sCR > CR > VGPR > PR > MR > SD > PD > NE (domain.md §1.3); ADT is
    the first date it was reached; SRCSEQS is that assessment. Decision for subjects without an evaluable
    assessment: AVALC ``"NE"`` (AVAL 8), never ``"MISSING"``, so AVALC stays within CDISC CT ONCRSR (C96785);
    DERIVTXT tells "no response assessment" (ADT and SRCSEQS missing) from "all NE" (first NE assessment).
    AVAL follows :data:`AVAL_IMWG`.
    """
    _assert_assessments(dataset, source_seq)
    return _derive_best(
        dataset,
        dataset_adsl,
        compute_seq_text(dataset[source_seq]),
        "BOR",
        "IMWG Best Overall Response (Unconfirmed)",
    )


def derive_param_cbor(dataset: pd.DataFrame, dataset_adsl: pd.DataFrame) -> pd.DataFrame:
    """Derive the best confirmed overall response (PARAMCD ``CBOR``) from COVR records, one row per ADSL subject.

    Input: COVR records (:func:`derive_param_confirmed_response`) up to the first confirmed PD
    (:func:`filter_assessments_up_to_first_pd`). Rule: the best COVR category in the order
    sCR > CR > VGPR > PR > MR > SD > PD > NE, at the first date reached (admiralonco ``cbor_*`` events on
    COVR); SRCSEQS are the source assessments of that COVR record. Subjects without an evaluable assessment
    get ``"NE"`` as in :func:`derive_param_bor`.
    """
    assert_columns(dataset, ["USUBJID", "ADT", "AVALC", "SRCSEQS"], "COVR")
    return _derive_best(dataset, dataset_adsl, dataset["SRCSEQS"], "CBOR", "IMWG Best Confirmed Overall Response")


def _derive_first(
    dataset: pd.DataFrame, dataset_adsl: pd.DataFrame, hit: pd.Series, paramcd: str, param: str, what: str
) -> pd.DataFrame:
    subjects = _subject_dates(dataset_adsl, [])
    first = dataset.loc[hit].sort_values(["USUBJID", "ADT"], kind="stable").drop_duplicates("USUBJID")
    out = subjects.merge(first.loc[:, ["USUBJID", "ADT", "AVALC", "SRCSEQS"]], on="USUBJID", how="left")
    found = out["AVALC"].notna()
    return pd.DataFrame(
        {
            "USUBJID": out["USUBJID"],
            "PARAMCD": paramcd,
            "PARAM": param,
            "ADT": out["ADT"],
            "AVALC": np.where(found, "Y", "N"),
            "AVAL": found.astype("int64"),
            "SRCSEQS": out["SRCSEQS"].astype("str"),
            "DERIVTXT": np.where(found, "first " + what + ": COVR " + out["AVALC"].fillna(""), "no " + what),
        }
    ).astype({"AVALC": "str", "DERIVTXT": "str"})


def derive_param_response(
    dataset: pd.DataFrame, dataset_adsl: pd.DataFrame, paramcd: str, categories: tuple[str, ...], param: str
) -> pd.DataFrame:
    """Derive a confirmed responder parameter (``RSP`` >= PR, ``VGPRRSP`` >= VGPR, ``CRRSP`` >= CR) per ADSL subject.

    Input: COVR records up to the first confirmed PD. Rule: AVALC ``"Y"`` (AVAL 1) when any COVR record is
    in ``categories`` (the spec's: ORR = confirmed PR or better, domain.md
    §1.3, admiralonco ``rsp_y_imwg``, ``vgpr_y_imwg``, ``cr_y_imwg``), else ``"N"`` (AVAL 0), including subjects
    without assessments. ADT is the first such date: the first response date for RSP, the first CR date for
    CRRSP (start of DoR, event of TTR/TTCR).
    """
    assert_columns(dataset, ["USUBJID", "ADT", "AVALC", "SRCSEQS"], "COVR")
    what = "confirmed " + "/".join(categories)
    return _derive_first(dataset, dataset_adsl, dataset["AVALC"].isin(categories), paramcd, param, what)


def derive_param_pd(dataset: pd.DataFrame, dataset_adsl: pd.DataFrame) -> pd.DataFrame:
    """Derive the first confirmed progressive disease (PARAMCD ``PD``) per ADSL subject.

    Input: COVR records. Rule: the first COVR record with AVALC ``"PD"`` (admiralonco:
    ``derive_extreme_records(filter_add = PARAMCD == "COVR" & AVALC == "PD", mode = "first")``); PD is dated
    at the first of the two confirming assessments (as admiralonco; IMWG's own dating rule is unconfirmed,
    domain.md §1.3). AVALC ``"Y"``/``"N"``, AVAL 1/0, ADT the PD date; SRCSEQS name the confirming records.
    """
    assert_columns(dataset, ["USUBJID", "ADT", "AVALC", "SRCSEQS"], "COVR")
    return _derive_first(
        dataset, dataset_adsl, dataset["AVALC"].eq("PD"), "PD", "IMWG Confirmed Progressive Disease", "confirmed PD"
    )
