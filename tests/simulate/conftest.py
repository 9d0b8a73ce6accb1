"""Shared fixtures of the raw-stage tests: each bundled study generated once, small."""

from pathlib import Path

import pytest

from cdiscmm.metadata.study import select_studies
from cdiscmm.simulate.generate import generate_study

STUDY_IDS = ("ELRA-JP-PMS", "EQUE-CN-RWS", "ISA-OBS-RRMM")
SUBJECTS = 60
SEED = 11


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """STUDYID -> raw folder generated with SUBJECTS subjects and SEED."""
    folders = {}
    for study in select_studies(list(STUDY_IDS)):
        folder = tmp_path_factory.mktemp(study.studyid) / "raw"
        generate_study(study, folder, SUBJECTS, SEED)
        folders[study.studyid] = folder
    return folders
