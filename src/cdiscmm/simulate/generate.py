"""Generate one study's collected data: latent course, core and event forms, rendering, defects, files.

Writes into the output folder one ``<form>.csv`` per form, ``data_dictionary.csv``, ``codelists.csv``,
``forms.csv`` (form titles) and ``defects.csv``: UTF-8, comma-separated, ``\\n`` line ends, every value as text.
The same study, size and seed give byte-identical files (each part draws from its own seeded generator; nothing
depends on time or order of dictionaries).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cdiscmm.core import progress
from cdiscmm.io.collected import CODELISTS_FILE, DICTIONARY_FILE, FORMS_FILE
from cdiscmm.metadata.study import StudyRef
from cdiscmm.simulate.course import simulate_course, subjects_contract
from cdiscmm.simulate.defects import inject_defects
from cdiscmm.simulate.design import DESIGN_FILE, CollectionDesign, load_design
from cdiscmm.simulate.dictionary import codelist_table, data_dictionary, form_table
from cdiscmm.simulate.dosing import doses_contract, simulate_doses
from cdiscmm.simulate.forms import Form
from cdiscmm.simulate.registry import FormContext, generators
from cdiscmm.simulate.sampling import child_rng

DEFECTS_FILE = "defects.csv"


@dataclass(frozen=True)
class Generated:
    """What was written: the folder, subject count, seed, rows per form and number of defects."""

    folder: Path
    subjects: int
    seed: int
    rows: dict[str, int]
    defects: int


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write text columns exactly as they are (no quoting beyond what CSV needs, ``\\n`` line ends)."""
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def build_forms(study: StudyRef, design: CollectionDesign, subjects: int, seed: int) -> list[Form]:
    """The clean forms of ``study`` (core forms in design order, then the event forms).

    The event forms come from ``cdiscmm.simulate.events`` (imported when needed) with the subjects/doses contract
    and their own generator, so changing them never shifts the core forms.
    """
    registry = generators()
    with progress.step(f"{study.studyid}: simulating the course of {subjects} subjects"):
        course = simulate_course(design, study.studyid, subjects, child_rng(seed, "course"))
        doses = simulate_doses(design, course, child_rng(seed, "doses"))
    context = FormContext(study=study, design=design, course=course, doses=doses)
    with progress.step(f"{study.studyid}: building core forms"):
        forms = [registry[name](context, child_rng(seed, f"form:{name}")) for name in design.forms]
    from cdiscmm.simulate.events import generate_event_forms

    with progress.step(f"{study.studyid}: building event forms"):
        forms += generate_event_forms(
            study.folder, subjects_contract(course), doses_contract(doses), child_rng(seed, "events")
        )
    return forms


def generate_study(study: StudyRef, folder: Path, subjects: int | None = None, seed: int | None = None) -> Generated:
    """Generate ``study`` into ``folder`` with ``subjects`` and ``seed`` (defaults from its collection design)."""
    design = load_design(study, set(generators()))
    count = subjects if subjects is not None else design.defaults.subjects
    chosen_seed = seed if seed is not None else design.defaults.seed
    forms = build_forms(study, design, count, chosen_seed)
    with progress.step(f"{study.studyid}: rendering and injecting defects"):
        frames, manifest = inject_defects(
            forms, design.defects, study.config.language, study.folder / DESIGN_FILE, chosen_seed
        )
    folder.mkdir(parents=True, exist_ok=True)
    with progress.step(f"{study.studyid}: writing {folder}"):
        for name, frame in frames.items():
            write_csv(frame, folder / f"{name}.csv")
        write_csv(data_dictionary(forms), folder / DICTIONARY_FILE)
        write_csv(codelist_table(forms), folder / CODELISTS_FILE)
        write_csv(form_table(forms), folder / FORMS_FILE)
        write_csv(manifest, folder / DEFECTS_FILE)
    rows = {name: len(frame) for name, frame in frames.items()}
    return Generated(folder=folder, subjects=count, seed=chosen_seed, rows=rows, defects=len(manifest))
