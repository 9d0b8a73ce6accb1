"""Static figures of the endpoint report (matplotlib, Agg backend) as PNG bytes, byte-identical on a rerun.

Each figure draws a table the report also prints, so the picture and the CSV hold the same numbers: a
Kaplan–Meier curve is the step function of :func:`cdiscmm.adam.report.efficacy.km_curves` (censorings
marked "+", log(-log) 95 % band) with the numbers at risk of :func:`tabulate_at_risk` under the axis.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

#: PNG metadata left out so a rerun writes the same bytes (matplotlib adds its version as "Software").
_PNG_METADATA = {"Software": None}
_DPI = 110


def _png(figure: plt.Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=_DPI, metadata=_PNG_METADATA, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def plot_km(curve: pd.DataFrame, at_risk: pd.DataFrame, title: str, unit: str) -> bytes:
    """One Kaplan–Meier curve (one PARAMCD of ``km_curves``) with its band, censor marks and numbers at risk."""
    figure, (axis, table) = plt.subplots(2, 1, figsize=(7.5, 4.6), height_ratios=[4, 1], sharex=True)
    times = np.concatenate([[0.0], curve["TIME"].to_numpy(dtype="float64")])
    surv = np.concatenate([[1.0], curve["SURV"].to_numpy(dtype="float64")])
    lower = np.concatenate([[1.0], curve["LCL"].fillna(curve["SURV"]).to_numpy(dtype="float64")])
    upper = np.concatenate([[1.0], curve["UCL"].fillna(curve["SURV"]).to_numpy(dtype="float64")])
    axis.step(times, surv, where="post", color="#1f4e79", linewidth=1.6, label="Kaplan-Meier estimate")
    axis.fill_between(times, lower, upper, step="post", color="#1f4e79", alpha=0.15, label="95% CI (log-log)")
    censored = curve.loc[curve["N_CENSOR"].gt(0)]
    axis.plot(censored["TIME"], censored["SURV"], "+", color="#1f4e79", markersize=6, label="Censored")
    axis.axhline(0.5, color="grey", linewidth=0.6, linestyle=":")
    axis.set_ylim(0, 1.02)
    axis.set_ylabel("Probability")
    axis.set_title(title, fontsize=11)
    axis.legend(loc="lower left", fontsize=8, frameon=False)
    axis.grid(alpha=0.25)
    table.set_ylim(0, 1)
    table.set_yticks([])
    for spine in ("top", "right", "left"):
        table.spines[spine].set_visible(False)
    for time, n_risk in zip(at_risk["TIME"], at_risk["N_RISK"], strict=True):
        table.text(time, 0.5, str(int(n_risk)), ha="center", va="center", fontsize=8)
    table.set_title("Number at risk", fontsize=8, loc="left")
    table.set_xlabel(f"Time ({unit.lower()})")
    table.set_xticks(at_risk["TIME"].to_numpy())
    table.set_xticklabels([f"{time:g}" for time in at_risk["TIME"]])
    return _png(figure)


def plot_bars(labels: list[str], percents: list[float], title: str, xlabel: str = "% of subjects") -> bytes:
    """Horizontal bars of ``percents`` (first label on top), each annotated with its value."""
    figure, axis = plt.subplots(figsize=(7.0, 0.35 * len(labels) + 1.2))
    positions = np.arange(len(labels))[::-1]
    axis.barh(positions, percents, color="#2e75b6")
    axis.set_yticks(positions)
    axis.set_yticklabels(labels, fontsize=9)
    for position, value in zip(positions, percents, strict=True):
        axis.text(value, position, f" {value:.1f}", va="center", fontsize=8)
    axis.set_xlabel(xlabel)
    axis.set_xlim(0, max([*percents, 1.0]) * 1.15)
    axis.set_title(title, fontsize=11)
    axis.grid(axis="x", alpha=0.25)
    return _png(figure)


def plot_change_from_baseline(table: pd.DataFrame, title: str) -> bytes:
    """Small multiples, one panel per parameter: mean change from baseline ± 1 SE by analysis visit."""
    parameters = list(dict.fromkeys(table["PARAM"]))
    columns = 4
    rows = int(np.ceil(len(parameters) / columns))
    figure, axes = plt.subplots(rows, columns, figsize=(11, 2.2 * rows), squeeze=False, sharex=True)
    visits = list(dict.fromkeys(table["AVISIT"]))
    for axis, parameter in zip(axes.flat, parameters, strict=False):
        part = table.loc[table["PARAM"].eq(parameter)]
        position = part["AVISIT"].map({visit: index for index, visit in enumerate(visits)})
        axis.errorbar(position, part["MEAN_CHG"], yerr=part["SE_CHG"].fillna(0), marker="o", markersize=3, capsize=2)
        axis.axhline(0, color="grey", linewidth=0.6)
        axis.set_title(parameter, fontsize=8)
        axis.tick_params(labelsize=7)
        axis.grid(alpha=0.25)
    for axis in axes.flat[len(parameters) :]:
        axis.set_visible(False)
    for axis in axes[-1]:
        axis.set_xticks(range(len(visits)))
        axis.set_xticklabels(visits, rotation=45, ha="right", fontsize=7)
    figure.suptitle(title, fontsize=11)
    figure.tight_layout()
    return _png(figure)
