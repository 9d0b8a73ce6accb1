"""Inject the documented "dirt" of real EDC exports, and record every injected defect in ``defects.csv``.

Rates come from ``collection.yaml`` (``defects:``). Each cell is changed at most once, duplicated rows are
never otherwise changed, and the manifest row says where the defect is in the written CSV:
DEFECT, FORM, ROW (1-based data row after all insertions), FIELD, ORIGINAL, INJECTED.

Defect types:

- ``MISSING_ASSESSMENT``: a scheduled response visit is dropped from every assessment form (rs, lbmm, ...).
  ROW is empty (the row is gone); ORIGINAL names the subject, visit and date.
- ``UNSCHEDULED_VISIT``: an extra assessment (VISIT ``UNSCHEDULED``) repeating the previous visit's results,
  dated between that visit and the next, inserted after it in every assessment form. FIELD = VISIT.
- ``PARTIAL_DATE``: ``UN MAR 2024`` (unknown day, 70 %) or ``UN UNK 2019`` (unknown day and month); more
  frequent on dates recalled from the past (``historical_dates``: diagnosis, prior therapy, medical history).
- ``END_BEFORE_START``: the end date of a configured date pair set 1-30 days before its start date.
- ``LONG_TEXT``: a free-text answer lengthened beyond 200 bytes of UTF-8 (a Japanese character is 3 bytes).
- ``CODE_OUTSIDE_CODELIST``: a coded answer replaced by a value its codelist does not have.
- ``SPACES_AND_CASE``: a leading or trailing space, or a change of letter case, in a code or free text.
- ``DUPLICATE_ROW``: an exact copy of a row inserted right after it; ORIGINAL is the original's ROW.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cdiscmm.core.errors import Location, SpecError
from cdiscmm.simulate.design import Defects
from cdiscmm.simulate.forms import KEY_FIELDS, Form
from cdiscmm.simulate.render import format_date, parse_date, render_frame
from cdiscmm.simulate.sampling import child_rng

MANIFEST_COLUMNS: tuple[str, ...] = ("DEFECT", "FORM", "ROW", "FIELD", "ORIGINAL", "INJECTED")
UNSCHEDULED = "UNSCHEDULED"
#: Bytes a long free text must exceed (EDC and SDTM --TERM limit of 200 characters, counted in UTF-8 bytes).
LONG_TEXT_BYTES = 200
FILLER = {
    "en": "as reported by the treating physician; see source documents for details",
    "ja": "担当医の報告による。詳細は原資料を参照",
    "zh": "据主治医生报告，详见原始病历",
}
#: Candidates for a code outside the codelist; the first not in the field's codelist is used.
BAD_CODES: tuple[str, ...] = ("99", "X", "?", "UNK")
#: Partial dates: share with only the day unknown (the rest have day and month unknown).
DAY_UNKNOWN_SHARE = 0.7
POSITION = "_pos"
ROW_ID = "_rid"
INSERTED = "_inserted"


@dataclass
class Working:
    """A form being made dirty: its fields and rows with internal columns (row id ``_rid``, sort position
    ``_pos``, ``_inserted`` for inserted rows, ``_t_<FIELD>`` for cells already changed)."""

    form: Form
    data: pd.DataFrame


@dataclass
class Manifest:
    """Manifest rows before ROW is known: the internal row id stands in for it."""

    rows: list[pd.DataFrame] = field(default_factory=list)

    def add(self, defect: str, form: str, row_id: np.ndarray, field_name: str, original: object, injected: object):
        size = len(row_id)
        if size:
            self.rows.append(
                pd.DataFrame(
                    {
                        "DEFECT": defect,
                        "FORM": form,
                        ROW_ID: np.asarray(row_id, dtype=float),
                        "FIELD": field_name,
                        "ORIGINAL": np.broadcast_to(np.asarray(original, dtype=object), (size,)),
                        "INJECTED": np.broadcast_to(np.asarray(injected, dtype=object), (size,)),
                    }
                )
            )


def _start(form: Form) -> Working:
    data = form.data.reset_index(drop=True).copy()
    data[ROW_ID] = np.arange(len(data), dtype=float)
    data[POSITION] = np.arange(len(data), dtype=float)
    data[INSERTED] = False
    return Working(form=form, data=data)


def _next_ids(work: Working, count: int) -> np.ndarray:
    start = work.data[ROW_ID].max() + 1 if len(work.data) else 0
    return start + np.arange(count, dtype=float)


def _assessment_keys(frame: pd.DataFrame) -> pd.Series:
    return frame["SUBJID"].astype(str) + "\x1f" + frame["VISIT"].astype(str)


def _missing_assessments(works: dict[str, Working], spec: Defects, manifest: Manifest, rng: np.random.Generator):
    names = [name for name in spec.assessment_forms if name in works]
    if not names:
        return
    lead = works[names[0]].data
    scheduled = lead[lead["VISIT"] != UNSCHEDULED]
    drop_keys = set(_assessment_keys(scheduled)[rng.random(len(scheduled)) < spec.missing_assessment])
    for name in names:
        work = works[name]
        date_field = spec.assessment_forms[name]
        hit = _assessment_keys(work.data).isin(drop_keys).to_numpy()
        dropped = render_frame(work.form, work.data[hit])
        original = (
            "SUBJID=" + dropped["SUBJID"] + "; VISIT=" + dropped["VISIT"] + f"; {date_field}=" + dropped[date_field]
        )
        manifest.add("MISSING_ASSESSMENT", name, np.full(int(hit.sum()), np.nan), "VISIT", original.to_numpy(), "")
        work.data = work.data[~hit].reset_index(drop=True)


def _unscheduled_visits(works: dict[str, Working], spec: Defects, manifest: Manifest, rng: np.random.Generator):
    names = [name for name in spec.assessment_forms if name in works]
    if not names:
        return
    lead = works[names[0]].data
    lead_date = spec.assessment_forms[names[0]]
    next_date = lead.groupby("SUBJID", sort=False)[lead_date].shift(-1)
    gap = (next_date - lead[lead_date]).dt.days
    present_in_all = np.ones(len(lead), dtype=bool)
    keys = _assessment_keys(lead)
    for name in names[1:]:
        present_in_all &= keys.isin(set(_assessment_keys(works[name].data))).to_numpy()
    eligible = (gap >= 4).to_numpy() & present_in_all & (lead["VISIT"] != UNSCHEDULED).to_numpy()
    chosen = eligible & (rng.random(len(lead)) < spec.unscheduled_visit)
    offsets = np.floor(rng.random(len(lead)) * (gap.fillna(2).to_numpy() - 2)) + 1
    new_date = dict(
        zip(keys[chosen], lead[lead_date][chosen] + pd.to_timedelta(offsets[chosen], unit="D"), strict=True)
    )
    for name in names:
        work = works[name]
        date_field = spec.assessment_forms[name]
        hit = _assessment_keys(work.data).isin(set(new_date)).to_numpy()
        copies = work.data[hit].copy()
        copies[date_field] = _assessment_keys(copies).map(new_date).to_numpy()
        copies["VISIT"] = UNSCHEDULED
        copies[POSITION] = copies[POSITION] + 0.5
        copies[ROW_ID] = _next_ids(work, len(copies))
        copies[INSERTED] = True
        manifest.add("UNSCHEDULED_VISIT", name, copies[ROW_ID].to_numpy(), "VISIT", "", UNSCHEDULED)
        work.data = pd.concat([work.data, copies], ignore_index=True)


def _choose(work: Working, field_name: str, eligible: np.ndarray, rate: float, rng: np.random.Generator) -> np.ndarray:
    """Rows (boolean mask) whose cell ``field_name`` gets a defect; marks the cells as touched."""
    mark = f"_t_{field_name}"
    if mark not in work.data:
        work.data[mark] = False
    free = eligible & ~work.data[mark].to_numpy() & ~work.data[INSERTED].to_numpy()
    chosen = free & (rng.random(len(work.data)) < rate)
    work.data.loc[chosen, mark] = True
    return chosen


def _set(work: Working, manifest: Manifest, defect: str, field_name: str, chosen: np.ndarray, injected: np.ndarray):
    original = work.data.loc[chosen, field_name].to_numpy()
    keep = original != injected
    rows = np.flatnonzero(chosen)[keep]
    work.data.loc[work.data.index[rows], field_name] = injected[keep]
    manifest.add(defect, work.form.name, work.data[ROW_ID].to_numpy()[rows], field_name, original[keep], injected[keep])


def _partial_dates(work: Working, spec: Defects, manifest: Manifest, rng: np.random.Generator) -> None:
    for item in work.form.fields:
        if item.type != "date":
            continue
        historical = f"{work.form.name}.{item.name}" in spec.historical_dates
        rate = spec.partial_date_historical if historical else spec.partial_date_recent
        values = work.data[item.name]
        chosen = _choose(work, item.name, (values != "").to_numpy(), rate, rng)
        text = values[chosen]
        day_unknown = rng.random(len(text)) < DAY_UNKNOWN_SHARE
        injected = np.where(day_unknown, "UN " + text.str[3:], "UN UNK " + text.str[-4:])
        _set(work, manifest, "PARTIAL_DATE", item.name, chosen, injected.astype(object))


def _end_before_start(work: Working, spec: Defects, manifest: Manifest, rng: np.random.Generator) -> None:
    for pair in spec.date_pairs:
        if pair.form != work.form.name:
            continue
        start = parse_date(work.data[pair.start])
        end = parse_date(work.data[pair.end])
        chosen = _choose(work, pair.end, np.isfinite(start) & np.isfinite(end), spec.end_before_start, rng)
        injected = format_date(start[chosen] - rng.integers(1, 31, int(chosen.sum())))
        _set(work, manifest, "END_BEFORE_START", pair.end, chosen, injected)


def _long_text(work: Working, spec: Defects, language: str, manifest: Manifest, rng: np.random.Generator) -> None:
    filler = "; " + FILLER.get(language, FILLER["en"])
    filler_bytes = len(filler.encode("utf-8"))
    for item in work.form.fields:
        if f"{work.form.name}.{item.name}" not in spec.free_text_fields:
            continue
        values = work.data[item.name]
        chosen = _choose(work, item.name, (values != "").to_numpy(), spec.long_text, rng)
        text = values[chosen]
        size = text.str.encode("utf-8").str.len().to_numpy()
        repeats = (LONG_TEXT_BYTES - size) // filler_bytes + 1
        injected = (text + pd.Series(filler, index=text.index).str.repeat(repeats)).to_numpy(dtype=object)
        _set(work, manifest, "LONG_TEXT", item.name, chosen, injected)


def _bad_codes(work: Working, spec: Defects, manifest: Manifest, rng: np.random.Generator) -> None:
    for item in work.form.fields:
        if item.type != "code" or item.codelist is None:
            continue
        allowed = work.form.codelists.get(item.codelist, {})
        bad = next(code for code in BAD_CODES if code not in allowed)
        values = work.data[item.name]
        chosen = _choose(work, item.name, (values != "").to_numpy(), spec.code_outside_codelist, rng)
        _set(work, manifest, "CODE_OUTSIDE_CODELIST", item.name, chosen, np.full(int(chosen.sum()), bad, dtype=object))


def _spaces_and_case(work: Working, spec: Defects, manifest: Manifest, rng: np.random.Generator) -> None:
    for item in work.form.fields:
        free_text = f"{work.form.name}.{item.name}" in spec.free_text_fields
        if item.name in KEY_FIELDS or not (item.type == "code" or free_text):
            continue
        values = work.data[item.name]
        chosen = _choose(work, item.name, (values != "").to_numpy(), spec.spaces_and_case, rng)
        text = values[chosen]
        kind = rng.integers(0, 4, len(text))
        injected = np.select(
            [kind == 0, kind == 1, kind == 2],
            [(" " + text).to_numpy(), (text + " ").to_numpy(), text.str.lower().to_numpy()],
            text.str.swapcase().to_numpy(),
        ).astype(object)
        _set(work, manifest, "SPACES_AND_CASE", item.name, chosen, injected)


def _duplicates(work: Working, spec: Defects, manifest: Manifest, rng: np.random.Generator) -> None:
    marks = [column for column in work.data if column.startswith("_t_")]
    clean = ~work.data[marks].any(axis=1).to_numpy() if marks else np.ones(len(work.data), dtype=bool)
    chosen = clean & ~work.data[INSERTED].to_numpy() & (rng.random(len(work.data)) < spec.duplicate_row)
    copies = work.data[chosen].copy()
    original = copies[ROW_ID].to_numpy()
    copies[POSITION] = copies[POSITION] + 0.25
    copies[ROW_ID] = _next_ids(work, len(copies))
    copies[INSERTED] = True
    manifest.add("DUPLICATE_ROW", work.form.name, copies[ROW_ID].to_numpy(), "", original, "")
    work.data = pd.concat([work.data, copies], ignore_index=True)


def _check_references(forms: list[Form], spec: Defects, source: Path) -> None:
    """Every FORM.FIELD the defect section names must exist in the generated forms (else a SpecError)."""
    fields = {f"{form.name}.{item.name}" for form in forms for item in form.fields}
    named = [
        *spec.historical_dates,
        *spec.free_text_fields,
        *(f"{pair.form}.{name}" for pair in spec.date_pairs for name in (pair.start, pair.end)),
        *(f"{form}.{name}" for form, name in spec.assessment_forms.items()),
        *(f"{form}.VISIT" for form in spec.assessment_forms),
    ]
    unknown = [name for name in named if name not in fields]
    if unknown:
        raise SpecError(
            f"defects: {unknown[0]} is not a field of a generated form",
            Location(file=str(source)),
            expected="FORM.FIELD of a form listed in forms or produced by the event generator",
        )


def inject_defects(
    forms: list[Form], spec: Defects, language: str, source: Path, seed: int
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Render ``forms`` to text with defects injected; return the final frames and the defect manifest.

    Visit-level defects draw from one generator, each form's cell defects from its own, so adding or changing
    a form never moves another form's defects. ``source`` (collection.yaml) is named in configuration errors.
    """
    _check_references(forms, spec, source)
    works = {form.name: _start(form) for form in forms}
    manifest = Manifest()
    visits_rng = child_rng(seed, "defects:visits")
    _missing_assessments(works, spec, manifest, visits_rng)
    _unscheduled_visits(works, spec, manifest, visits_rng)
    for work in works.values():
        rng = child_rng(seed, f"defects:{work.form.name}")
        work.data = render_frame(work.form, work.data)
        _end_before_start(work, spec, manifest, rng)
        _partial_dates(work, spec, manifest, rng)
        _long_text(work, spec, language, manifest, rng)
        _bad_codes(work, spec, manifest, rng)
        _spaces_and_case(work, spec, manifest, rng)
        _duplicates(work, spec, manifest, rng)
    return _finish(works, manifest, [form.name for form in forms])


def _finish(
    works: dict[str, Working], manifest: Manifest, order: list[str]
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Order rows by position, number them, and replace internal row ids by ROW in the manifest."""
    frames: dict[str, pd.DataFrame] = {}
    row_of: dict[str, pd.Series] = {}
    for name in order:
        work = works[name]
        data = work.data.sort_values(POSITION, kind="stable").reset_index(drop=True)
        row_of[name] = pd.Series(np.arange(1, len(data) + 1), index=data[ROW_ID].to_numpy())
        frames[name] = data[[item.name for item in work.form.fields]]
    if not manifest.rows:
        return frames, pd.DataFrame({column: pd.Series(dtype=object) for column in MANIFEST_COLUMNS})
    table = pd.concat(manifest.rows, ignore_index=True)
    row = np.full(len(table), np.nan)
    original = table["ORIGINAL"].to_numpy(dtype=object).copy()
    for name in order:
        mask = (table["FORM"] == name).to_numpy()
        row[mask] = row_of[name].reindex(table.loc[mask, ROW_ID].to_numpy()).to_numpy(dtype=float)
        duplicate = mask & (table["DEFECT"] == "DUPLICATE_ROW").to_numpy()
        original[duplicate] = row_of[name].reindex(original[duplicate].astype(float)).to_numpy()
    table["ROW"] = row
    table["ORIGINAL"] = original
    table["_form"] = table["FORM"].map({name: index for index, name in enumerate(order)})
    table = table.sort_values(["_form", "ROW", "FIELD"], kind="stable", na_position="last")
    table["ROW"] = table["ROW"].astype("Int64").astype(str).replace("<NA>", "")
    table["ORIGINAL"] = table["ORIGINAL"].astype(str)
    return frames, table[list(MANIFEST_COLUMNS)].reset_index(drop=True)
