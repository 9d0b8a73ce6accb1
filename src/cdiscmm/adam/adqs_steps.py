"""The ADQS derivations ``specs/adam/adqs.yaml`` names: one scored parameter per step from QS item responses.

A questionnaire is one subject, visit and date (USUBJID, AVISIT = QS.VISIT, ADT = QS.QSDTC). Each parameter's
``score`` section says which items it reads and how they are scored:

- :func:`derive_param_qlq_scale`: an EORTC scale (QLQ-C30, QLQ-MY20) by
  :func:`cdiscmm.adam.qlq.derive_param_qlq_scales` (raw score = mean of the answered items, linear
  transformation, half-items rule);
- :func:`derive_param_eq5d5l_index`: the EQ-5D-5L index by :func:`cdiscmm.adam.eq5d.derive_param_eq5d5l_index`,
  with the value set chosen per subject by the ``value_set`` look-up of an ADSL variable (COUNTRY JPN -> JP);
- :func:`derive_param_item`: the item response as collected (EQ VAS).
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from cdiscmm.adam import eq5d, qlq
from cdiscmm.adam.checks import assert_unique
from cdiscmm.adam.dates import compute_dt_from_dtc
from cdiscmm.adam.lineage import compute_seq_text
from cdiscmm.adam.registry import Inputs, StepArgs, derivation, fixed
from cdiscmm.adam.sdtm_input import optional, require
from cdiscmm.adam.spec_model import AdamDatasetSpec, ParameterSpec, ScoreSpec
from cdiscmm.core import progress
from cdiscmm.core.errors import Location, SpecError
from cdiscmm.metadata.model import SasName

BY_VARS = ["USUBJID", "AVISIT", "ADT"]
QS_VARIABLES = ["USUBJID", "QSSEQ", "QSCAT", "QSTESTCD", "QSSTRESN", "QSDTC", "VISIT"]
#: The variables of a scored record.
SCORED = (*BY_VARS, "PARAMCD", "AVAL", "SRCSEQS")


class NoArgs(StepArgs):
    """A step without arguments."""


class ScoreArgs(StepArgs):
    """The parameter whose ``score`` section states its items and scoring."""

    paramcd: SasName


class IndexArgs(StepArgs):
    """The EQ-5D-5L index parameter (the engine's own PARAMCD)."""

    paramcd: Literal["EQ5DIDX"]


def _score(spec: AdamDatasetSpec, paramcd: str, kinds: tuple[str, ...]) -> tuple[ParameterSpec, ScoreSpec]:
    """The parameter and its ``score`` section; a SpecError when the section's kind is not one of ``kinds``."""
    parameter = spec.parameter(paramcd)
    score: ScoreSpec = parameter.section("score")
    if score.kind not in kinds:
        raise SpecError(
            f"{paramcd}: score kind {score.kind} does not fit this derivation",
            Location(field=paramcd),
            expected=" or ".join(kinds),
        )
    return parameter, score


def _items_of(items: pd.DataFrame, score: ScoreSpec) -> pd.DataFrame:
    return items.loc[items["QSCAT"].eq(score.qscat) & items["QSTESTCD"].isin(score.items)]


@derivation(NoArgs, produces=fixed(), kind="start")
def start_from_qs(dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: NoArgs) -> pd.DataFrame | None:
    """QS item rows with the questionnaire keys (AVISIT = VISIT, ADT = complete date of QSDTC), which the
    parameters score; None (ADQS not built) when the study has no QS."""
    if optional(inputs.sdtm, "QS", [], "ADQS not built") is None:
        return None
    qs = require(inputs.sdtm, "QS", QS_VARIABLES)
    return qs.loc[:, QS_VARIABLES].assign(AVISIT=qs["VISIT"], ADT=compute_dt_from_dtc(qs["QSDTC"]))


@derivation(ScoreArgs, produces=fixed(*SCORED), reads="score", kind="parameter")
def derive_param_qlq_scale(
    dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: ScoreArgs
) -> pd.DataFrame:
    """An EORTC scale (functional or symptom) from its items, :func:`cdiscmm.adam.qlq.derive_param_qlq_scales`
    (EORTC QLQ-C30 scoring manual, Fayers 2001; QLQ-MY20 per Cocks 2007)."""
    parameter, score = _score(spec, args.paramcd, ("functional", "symptom"))
    scale = qlq.QlqScale(parameter.paramcd, parameter.param, tuple(score.items), score.kind, score.item_range)
    return qlq.derive_param_qlq_scales(_items_of(dataset, score), BY_VARS, (scale,))


@derivation(IndexArgs, produces=fixed(*SCORED), reads="score", kind="parameter")
def derive_param_eq5d5l_index(
    dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: IndexArgs
) -> pd.DataFrame:
    """The EQ-5D-5L index per questionnaire with the value set the spec's look-up gives for the subject's ADSL
    variable, :func:`cdiscmm.adam.eq5d.derive_param_eq5d5l_index`; subjects whose value (e.g. COUNTRY) has no
    value set get no index record (a note names them)."""
    parameter, score = _score(spec, args.paramcd, ("index",))
    lookup = score.value_set
    if lookup is None:
        raise SpecError(f"{parameter.paramcd}: an index needs a 'value_set'", Location(field=parameter.paramcd))
    codes = inputs.adam["ADSL"].set_index("USUBJID")[lookup.source].map(lookup.mapping())
    rows = _items_of(dataset, score)
    code = rows["USUBJID"].map(codes)
    unscored = sorted(rows.loc[code.isna(), "USUBJID"].unique())
    if unscored:
        progress.info(f"note: {parameter.paramcd} not derived for {', '.join(unscored)}: no value set for the subject")
    records = [
        eq5d.derive_param_eq5d5l_index(rows.loc[code.eq(value)], BY_VARS, value) for value in code.dropna().unique()
    ]
    if records:
        return pd.concat(records, ignore_index=True)
    # no record, but the columns typed as a scored record's: an untyped (object) frame would make the stacked
    # ADQS columns object (pandas concat), and every later step on them slow
    return rows.iloc[:0].loc[:, BY_VARS].assign(PARAMCD=pd.Series(dtype="str"), AVAL=pd.Series(dtype="float64"))


@derivation(ScoreArgs, produces=fixed(*SCORED), reads="score", kind="parameter")
def derive_param_item(dataset: pd.DataFrame, inputs: Inputs, spec: AdamDatasetSpec, args: ScoreArgs) -> pd.DataFrame:
    """A single item as collected: AVAL = QSSTRESN, SRCSEQS its QSSEQ (EQ VAS, 0-100)."""
    parameter, score = _score(spec, args.paramcd, ("item",))
    rows = _items_of(dataset, score)
    assert_unique(rows, [*BY_VARS, "QSTESTCD"], "QS", hint="one answer per item and questionnaire")
    return rows.loc[:, BY_VARS].assign(
        PARAMCD=parameter.paramcd, AVAL=rows["QSSTRESN"].astype("float64"), SRCSEQS=compute_seq_text(rows["QSSEQ"])
    )
