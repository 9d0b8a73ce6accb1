"""Entry point of the event forms (AE, CRS/ICANS, HO, SPM, MRU, PRO) that the collected-data generator calls.

The study's ``events.yaml`` says which forms exist and how they are simulated; ``study.yaml`` gives the language of
collected text. The forms come back clean: dates and times as datetime64, codes as collected codes, subject keys
first. Every event lies in [index date - ``index_margin_days``, min(end of study, death)].
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cdiscmm.simulate.events_ae import ae_form, finish_adverse_events, sample_catalogue_events, sample_fatal_events
from cdiscmm.simulate.events_astct import SYNDROMES, sample_episodes, syndrome_form
from cdiscmm.simulate.events_care import ho_form, mru_form, spm_form
from cdiscmm.simulate.events_common import observation_window
from cdiscmm.simulate.events_design import load_events_design, study_language
from cdiscmm.simulate.events_pro import pro_forms
from cdiscmm.simulate.forms import Form


def generate_event_forms(
    study_folder: Path, subjects: pd.DataFrame, doses: pd.DataFrame, rng: np.random.Generator
) -> list[Form]:
    """The study's event forms, in the order ae, crs, icans, ho, spm, mru, then the PRO instruments.

    ``subjects``: one row per subject (STUDYID, SITEID, SUBJID, INDEXDT, EOSDT, DTHDT, PDDT, RESPDT, ...);
    ``doses``: one row per administration (SUBJID, EXSTDTM, ...). The same inputs and seed give the same forms.
    """
    language = study_language(study_folder)
    design = load_events_design(study_folder / "events.yaml", language)
    window = observation_window(subjects)
    sources = [
        sample_catalogue_events(window, design.ae, language, rng),
        sample_fatal_events(window, design.ae, language, rng),
        *(
            sample_episodes(window, doses, syndrome_design, SYNDROMES[name], language, rng)
            for name, syndrome_design in design.syndromes().items()
        ),
    ]
    adverse = finish_adverse_events(pd.concat(sources, ignore_index=True), window, doses, design.ae, rng)
    forms = [ae_form(adverse, language)]
    forms += [syndrome_form(adverse, SYNDROMES[name], language) for name in design.syndromes()]
    if design.ho is not None:
        forms.append(ho_form(adverse, window, design.ho, language, rng))
    if design.spm is not None:
        forms.append(spm_form(adverse, design.spm, language, rng))
    if design.mru is not None:
        forms.append(mru_form(window, design.mru, language, rng))
    if design.pro is not None:
        forms += pro_forms(window, design.pro, language, rng)
    return forms
