"""Your own study (issue #9.6): --mappings anywhere, a project config file, --raw anywhere, `cdiscmm init`."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest
import yaml

from cdiscmm import cli
from cdiscmm.cli.options import DEFAULT_OUT, apply_project_config
from cdiscmm.core.errors import EXIT_BAD_INPUT, InputError, SpecError, UsageError
from cdiscmm.core.paths import mappings_dir
from cdiscmm.metadata.study import load_study, select_studies
from cdiscmm.sdtm.loader import load_domain_mappings
from cdiscmm.sdtm.skeleton import create_study
from cdiscmm.sdtm.spec import DomainOverride

SHARED = mappings_dir() / "shared"


def test_init_writes_a_study_that_loads_and_is_schema_valid(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    folder = create_study(tmp_path, "NEW-01", SHARED, title="A new study", sponsor="ACME", region="PMDA")
    assert folder == tmp_path / "new-01"
    shared = sorted(path.name for path in SHARED.glob("??.yaml"))
    assert sorted(path.name for path in folder.glob("??.yaml")) == shared
    study = load_study(folder)
    assert (study.studyid, study.config.sponsor, study.config.region) == ("NEW-01", "ACME", "PMDA")
    assert study.config.domains == sorted(name.removesuffix(".yaml").upper() for name in shared)
    schema = json.loads((tmp_path / "schema" / "domain-mapping.schema.json").read_text(encoding="utf-8"))
    for path in folder.glob("??.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        jsonschema.validate(data, schema)
        DomainOverride.model_validate(data)
    study_schema = json.loads((tmp_path / "schema" / "study.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(yaml.safe_load((folder / "study.yaml").read_text(encoding="utf-8")), study_schema)
    # the overrides change nothing yet: every domain is the shared mapping (no own shared/: the bundled one)
    assert study.shared_folder == SHARED
    loaded = load_domain_mappings(study)
    assert [source.form for source in loaded["AE"].mapping.sources] == ["ae"]


def test_init_never_overwrites_a_study_folder(tmp_path: Path) -> None:
    create_study(tmp_path, "NEW-01", SHARED)
    with pytest.raises(UsageError, match="already exists"):
        create_study(tmp_path, "NEW-01", SHARED)


def test_own_shared_folder_replaces_the_bundled_one(tmp_path: Path) -> None:
    folder = create_study(tmp_path, "NEW-01", SHARED)
    (tmp_path / "shared").mkdir()
    assert load_study(folder).shared_folder == tmp_path / "shared"


def test_unknown_study_names_the_ones_of_the_mappings_folder(tmp_path: Path) -> None:
    create_study(tmp_path, "NEW-01", SHARED)
    create_study(tmp_path, "NEW-02", SHARED)
    with pytest.raises(UsageError, match="unknown study ELRA-JP-PMS") as caught:
        select_studies(["ELRA-JP-PMS"], tmp_path)
    assert caught.value.expected == "one of NEW-01, NEW-02"
    assert [study.studyid for study in select_studies(None, tmp_path)] == ["NEW-01", "NEW-02"]
    assert [study.studyid for study in select_studies(None, tmp_path / "new-02")] == ["NEW-02"]


def test_mappings_folder_without_studies_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no study\.yaml"):
        select_studies(None, tmp_path)
    with pytest.raises(InputError, match="mappings folder not found"):
        select_studies(None, tmp_path / "absent")


def test_two_folders_with_one_studyid_is_a_spec_error(tmp_path: Path) -> None:
    folder = create_study(tmp_path, "NEW-01", SHARED)
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "study.yaml").write_bytes((folder / "study.yaml").read_bytes())
    with pytest.raises(SpecError, match="studyid NEW-01 is also"):
        select_studies(None, tmp_path)


def _namespace(**given: object) -> argparse.Namespace:
    return argparse.Namespace(**{"config": None, "mappings": None, "out": DEFAULT_OUT, **given})


def test_config_file_in_the_working_directory_fills_mappings_out_and_raw(tmp_path: Path) -> None:
    (tmp_path / "cdiscmm.yaml").write_text(
        "mappings: maps\nout: build\nstudies:\n  NEW-01: {raw: exports/new01}\n", encoding="utf-8"
    )
    args = _namespace()
    apply_project_config(args, cwd=tmp_path)
    assert (args.mappings, args.out) == (tmp_path / "maps", tmp_path / "build")
    assert args.project.raw_for("NEW-01") == tmp_path / "exports" / "new01"
    assert args.project.raw_for("OTHER") is None


def test_command_line_wins_over_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "project.yaml"
    config.write_text("mappings: maps\nout: build\n", encoding="utf-8")
    args = _namespace(config=config, mappings=Path("/elsewhere"), out=Path("output"))
    apply_project_config(args, cwd=tmp_path / "no-config-here")
    assert (args.mappings, args.out) == (Path("/elsewhere"), Path("output"))


def test_config_file_errors_name_file_and_line(tmp_path: Path) -> None:
    config = tmp_path / "cdiscmm.yaml"
    config.write_text("mappings: maps\nraw: exports\n", encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        apply_project_config(_namespace(), cwd=tmp_path)
    assert caught.value.location.file == str(config) and caught.value.location.line == 2
    with pytest.raises(InputError, match="config file not found"):
        apply_project_config(_namespace(config=tmp_path / "absent.yaml"), cwd=tmp_path)


@pytest.mark.slow
def test_init_then_sdtm_and_adam_on_an_export_anywhere(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A generated ISA-OBS-RRMM export (6 subjects) mapped as a new study with the shared mappings only."""
    raw = tmp_path / "exports" / "new01"
    assert (
        cli.main(["raw", "generate", "--study", "ISA-OBS-RRMM", "--subjects", "6", "--seed", "1", "--out", str(raw)])
        == 0
    )
    assert cli.main(["init", "--study", "NEW-01", "--out", str(tmp_path / "maps"), "-q"]) == 0
    capsys.readouterr()
    study_yaml = tmp_path / "maps" / "new-01" / "study.yaml"
    # LB and QS number their visits per study (VISITNUM): until the study maps it, a one-line spec error
    code = cli.main(["sdtm", "--mappings", str(tmp_path / "maps"), "--study", "NEW-01", "--raw", str(raw),
                     "--out", str(tmp_path / "out"), "-q"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT and "reads VISITNUM, which no source of LB maps" in err and err.count("\n") == 1
    text = study_yaml.read_text(encoding="utf-8")
    study_yaml.write_text(re.sub(r"(?m)^domains: .*$", "domains: [AE, CM, DD, DM, DS, EX, MH, PR, RS, SS]", text))
    (tmp_path / "cdiscmm.yaml").write_text(
        "mappings: maps\nout: out\nstudies:\n  NEW-01: {raw: exports/new01}\n", encoding="utf-8"
    )
    config = str(tmp_path / "cdiscmm.yaml")
    assert cli.main(["sdtm", "--config", config, "--study", "NEW-01", "-q"]) == 0
    sdtm = tmp_path / "out" / "NEW-01" / "sdtm"
    assert {"dm.xpt", "ae.xpt", "rs.xpt", "ts.xpt", "reconciliation.csv"} <= {path.name for path in sdtm.iterdir()}
    assert not (sdtm / "lb.xpt").exists()
    assert cli.main(["adam", "--config", config, "-q"]) == 0
    adam = {path.name for path in (tmp_path / "out" / "NEW-01" / "adam").iterdir()}
    assert {"adsl.xpt", "adae.xpt", "adrs.xpt", "adtte.xpt"} <= adam
