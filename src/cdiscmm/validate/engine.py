"""Run the catalogue on a delivery: the GX suites once for all ``gx_suite`` rules, beside every registered check."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from cdiscmm.validate import checks_records, checks_related, checks_subjects, native  # noqa: F401 - fill the registry
from cdiscmm.validate.catalogue import CHECKS, CheckRun, Rule, check
from cdiscmm.validate.delivery import Delivery
from cdiscmm.validate.findings import NotRun, RuleOutcome, empty_findings
from cdiscmm.validate.suites import Plan, plan_suites

GX_CHECK = "gx_suite"
#: ``--engine`` choices: what runs the metadata suites (the report names it for every ``gx_suite`` rule).
ENGINES = {"gx": "Great Expectations", "native": "native pandas"}
#: The suites' engine of a normal run (``make validate``, ``cdiscmm validate``); native is the fast cross-check.
DEFAULT_ENGINE = "gx"


@dataclass
class Validation:
    """Every rule's outcome on one delivery, with the suites' plan and the seconds each phase took."""

    delivery: Delivery
    rules: list[Rule]
    outcomes: dict[str, RuleOutcome]
    plan: Plan
    timings: dict[str, float] = field(default_factory=dict)


@check(GX_CHECK, "dataset")
def check_gx_suite(run: CheckRun) -> pd.DataFrame:
    """The findings the suites gave for this rule (they run once per delivery, see :func:`validate`)."""
    plan: Plan = run.delivery.gx_plan
    run.ran_on.extend(sorted(plan.planned_on.get(run.rule.id, ())))
    run.skipped.extend(plan.skipped.get(run.rule.id, []))
    parts = [part for part in run.delivery.gx_findings.get(run.rule.id, []) if len(part)]
    return pd.concat(parts, ignore_index=True) if parts else empty_findings()


def summarise(skipped: list[str]) -> str:
    """Skip reasons ("AE: AESER absent") with the datasets sharing a reason listed together."""
    by_reason: dict[str, list[str]] = {}
    for item in skipped:
        dataset, _, reason = item.partition(": ")
        by_reason.setdefault(reason or dataset, []).append(dataset if reason else "")
    return "; ".join(
        f"{', '.join(d for d in datasets if d)}: {reason}".lstrip(": ") for reason, datasets in by_reason.items()
    )


def conclude(rule: Rule, run: CheckRun, findings: pd.DataFrame) -> RuleOutcome:
    """The outcome of a check that ran: FAIL with its findings, NOT RUN when no dataset had what it needs, else
    PASS."""
    if len(findings):
        return RuleOutcome("FAIL", findings, ran_on=run.ran_on, skipped=run.skipped)
    if not run.ran_on:
        reason = summarise(run.skipped) or f"no {rule.scope} dataset of {', '.join(rule.datasets)} in the delivery"
        return RuleOutcome("NOT RUN", reason=reason, skipped=run.skipped)
    return RuleOutcome("PASS", ran_on=run.ran_on, skipped=run.skipped)


def _outcome(rule: Rule, delivery: Delivery) -> RuleOutcome:
    run = CheckRun(delivery, rule)
    try:
        findings = CHECKS[rule.check](run)
    except NotRun as reason:
        return RuleOutcome("NOT RUN", reason=str(reason), skipped=run.skipped)
    return conclude(rule, run, findings)


def validate(
    delivery: Delivery, rules: list[Rule], engine: str = "native", meanwhile: Callable[[], None] | None = None
) -> Validation:
    """Every rule of ``rules`` (scopes SDTM, ADaM and XPT) on ``delivery``.

    ``engine`` runs the suites: ``gx`` (Great Expectations, imported only in the process that runs them, which
    works beside this one: see :class:`cdiscmm.validate.gx.Background`) or ``native`` (vectorised pandas,
    :mod:`cdiscmm.validate.native`, the fast cross-check). ``meanwhile`` is called while the suites run.
    """
    timings: dict[str, float] = {}
    rules = [rule for rule in rules if rule.scope in ("SDTM", "ADaM", "XPT")]
    gx_rules = [rule for rule in rules if rule.check == GX_CHECK]
    plan = plan_suites(delivery, gx_rules)
    delivery.gx_plan = plan
    started = time.perf_counter()
    if engine == "gx":
        from cdiscmm.validate.gx import Background

        suites = Background(plan, delivery.datasets)
    else:
        delivery.gx_findings = native.run_plan(plan, delivery.datasets)
        timings["suites_native"] = time.perf_counter() - started
    started = time.perf_counter()
    outcomes = {rule.id: _outcome(rule, delivery) for rule in rules if rule.check != GX_CHECK}
    timings["checks"] = time.perf_counter() - started
    if meanwhile is not None:
        meanwhile()
    if engine == "gx":
        delivery.gx_findings, gx_timings = suites.result()
        timings.update(gx_timings)
    outcomes.update({rule.id: _outcome(rule, delivery) for rule in gx_rules})
    return Validation(delivery, rules, {rule.id: outcomes[rule.id] for rule in rules}, plan, timings)
