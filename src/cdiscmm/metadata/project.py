"""The project config file (``cdiscmm.yaml``): where a user's mappings, collected exports and outputs live.

Found as ``--config FILE`` or, without it, ``cdiscmm.yaml`` in the working directory (no file: bundled
mappings, ``output/``). Relative paths are read relative to the config file's folder, so a project folder can
be moved as a whole. The command line wins over the file: ``--mappings``, ``--out`` and ``--raw`` replace
``mappings``, ``out`` and a study's ``raw``. The collected data's encoding is declared per study in its
``study.yaml`` (the export's property), not here.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from cdiscmm.metadata.yamlio import load_model

#: The file looked for in the working directory when ``--config`` is not given.
CONFIG_FILE = "cdiscmm.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StudyPaths(_Strict):
    """Where one study's inputs are."""

    raw: Path | None = Field(None, description="Folder of the study's collected CSV forms (EDC export)")
    sdtm: Path | None = Field(None, description="Folder of SDTM .xpt files the ADaM stage reads (default: our SDTM)")


class ProjectConfig(_Strict):
    """``cdiscmm.yaml``: the mappings folder, per-study input folders and the output root."""

    mappings: Path | None = Field(
        None, description="Folder of study folders (<folder>/<study>/study.yaml), optionally with its own shared/"
    )
    out: Path | None = Field(None, description="Output root (<out>/<STUDYID>/sdtm, adam, ...)")
    studies: dict[str, StudyPaths] = Field(default_factory=dict, description="STUDYID -> its input folders")

    def resolved(self, base: Path) -> ProjectConfig:
        """The same config with every relative path taken relative to ``base`` (the config file's folder)."""

        def absolute(path: Path | None) -> Path | None:
            return None if path is None else base / path.expanduser()

        return ProjectConfig(
            mappings=absolute(self.mappings),
            out=absolute(self.out),
            studies={
                studyid: StudyPaths(raw=absolute(paths.raw), sdtm=absolute(paths.sdtm))
                for studyid, paths in self.studies.items()
            },
        )

    def raw_for(self, studyid: str) -> Path | None:
        """The configured raw folder of ``studyid`` (None: not configured)."""
        paths = self.studies.get(studyid)
        return paths.raw if paths else None

    def sdtm_for(self, studyid: str) -> Path | None:
        """The configured SDTM folder of ``studyid`` (None: not configured)."""
        paths = self.studies.get(studyid)
        return paths.sdtm if paths else None


def load_project(path: Path) -> ProjectConfig:
    """``path`` validated (errors name file, line and key), relative paths resolved against its folder."""
    return load_model(path, ProjectConfig).resolved(path.resolve().parent)
