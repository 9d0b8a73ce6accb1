"""Bad YAML mappings and study.yaml files."""

from __future__ import annotations

from tests.badinput.env import STUDY, Case, run_sdtm

SHARED_AE = "shared/ae.yaml"
AE_SER = "AESER: {assign_ct: {field: AESER, codelist: C66742}}"

SPECS: tuple[Case, ...] = (
    # --- YAML mappings --------------------------------------------------------------------------------------
    Case(
        "yaml-duplicate-key",
        "YAML mapping",
        "a variable mapped twice in one mapping (duplicated key)",
        run_sdtm(lambda env: env.edit(env.mappings / SHARED_AE, AE_SER, f"{AE_SER}\n      {AE_SER}")),
        (r"<tmp>/mappings/shared/ae\.yaml:33, field sources\.0\.variables\.AESER: duplicated key \(first .* 32\)",),
    ),
    Case(
        "yaml-unknown-verb",
        "YAML mapping",
        "a verb the mapping language does not have",
        run_sdtm(lambda env: env.edit(env.mappings / SHARED_AE, AE_SER, AE_SER.replace("assign_ct", "asign_ct"))),
        (r"<tmp>/mappings/shared/ae\.yaml:32: .*AESER.*asign_ct",),
    ),
    Case(
        "yaml-unknown-codelist",
        "YAML mapping",
        "a codelist id that is not in SDTM CT or the sponsor codelists",
        run_sdtm(lambda env: env.edit(env.mappings / SHARED_AE, AE_SER, AE_SER.replace("C66742", "C99999"))),
        (r"<tmp>/mappings/shared/ae\.yaml:32, field AESER: .*C99999",),
    ),
    Case(
        "yaml-wrong-type",
        "YAML mapping",
        "a list where the verb takes a field name",
        run_sdtm(lambda env: env.edit(env.mappings / SHARED_AE, AE_SER, AE_SER.replace(": AESER,", ": [AESER],"))),
        (r"<tmp>/mappings/shared/ae\.yaml:32: .*AESER.*field",),
    ),
    Case(
        "yaml-unknown-key",
        "YAML mapping",
        "a key the mapping schema does not allow",
        run_sdtm(lambda env: env.edit(env.mappings / SHARED_AE, "domain: AE\n", "domain: AE\ndomian_class: EVENTS\n")),
        (r"<tmp>/mappings/shared/ae\.yaml:9: domian_class: unknown key",),
    ),
    Case(
        "yaml-syntax",
        "YAML mapping",
        "YAML that does not parse (unbalanced brace)",
        run_sdtm(lambda env: env.edit(env.mappings / SHARED_AE, AE_SER, AE_SER.rstrip("}"))),
        (r"<tmp>/mappings/shared/ae\.yaml:\d+: invalid YAML",),
    ),
    Case(
        "yaml-empty",
        "YAML mapping",
        "an empty mapping file",
        run_sdtm(lambda env: (env.study / "ae.yaml").write_text("")),
        (r"<tmp>/mappings/elra-jp-pms/ae\.yaml:1: file is empty",),
    ),
    Case(
        "yaml-not-utf8",
        "YAML mapping",
        "a mapping file saved in CP932",
        run_sdtm(lambda env: env.edit(env.study / "ae.yaml", "domain: AE", "# 有害事象\ndomain: AE", encoding="cp932")),
        (r"<tmp>/mappings/elra-jp-pms/ae\.yaml:\d+:\d+: not UTF-8 text \(byte 0x[0-9A-F]{2}\)",),
    ),
    Case(
        "yaml-domain-mismatch",
        "YAML mapping",
        "ae.yaml that says domain: CM",
        run_sdtm(lambda env: env.edit(env.mappings / SHARED_AE, "domain: AE\n", "domain: CM\n")),
        (r"<tmp>/mappings/shared/ae\.yaml:8: domain: CM in a file named ae\.yaml",),
    ),
    Case(
        "yaml-unknown-variable",
        "YAML mapping",
        "a target variable SDTMIG AE does not define",
        run_sdtm(lambda env: env.edit(env.mappings / SHARED_AE, AE_SER, AE_SER.replace("AESER:", "AESERX:", 1))),
        (r"<tmp>/mappings/shared/ae\.yaml:32, field AESERX",),
    ),
    Case(
        "yaml-unknown-raw-field",
        "YAML mapping",
        "a verb reading a field the form does not have",
        run_sdtm(
            lambda env: env.edit(env.mappings / SHARED_AE, AE_SER, AE_SER.replace("field: AESER", "field: AESERIOUS"))
        ),
        (r"ae\.csv, field AESERIOUS: form ae has no field AESERIOUS \(named by <tmp>/mappings/shared/ae\.yaml:32\)",),
    ),
    Case(
        "yaml-top-level-list",
        "YAML mapping",
        "a mapping file holding a list instead of a mapping",
        run_sdtm(lambda env: (env.study / "ae.yaml").write_text("- domain: AE\n")),
        (r"<tmp>/mappings/elra-jp-pms/ae\.yaml:1: .*",),
    ),
    # --- study.yaml -----------------------------------------------------------------------------------------
    Case(
        "study-bad-encoding",
        "study.yaml",
        "an encoding that is not an EDC export encoding",
        run_sdtm(lambda env: env.edit(env.study / "study.yaml", "language: ja", "language: ja\nencoding: latin-1")),
        (r"<tmp>/mappings/elra-jp-pms/study\.yaml:9: encoding: .*'utf-8'.*'cp932'.*\(found 'latin-1'\)",),
    ),
    Case(
        "study-missing-key",
        "study.yaml",
        "no sponsor",
        run_sdtm(lambda env: env.edit(env.study / "study.yaml", "sponsor: Pfizer Japan Inc.\n", "")),
        (r"<tmp>/mappings/elra-jp-pms/study\.yaml:\d+: sponsor: required key is missing",),
    ),
    Case(
        "study-bad-region",
        "study.yaml",
        "a region that is not PMDA, NMPA or FDA",
        run_sdtm(lambda env: env.edit(env.study / "study.yaml", "region: PMDA", "region: EMA")),
        (r"<tmp>/mappings/elra-jp-pms/study\.yaml:7: region: .*PMDA.*(found 'EMA')",),
    ),
    Case(
        "study-duplicate-key",
        "study.yaml",
        "region given twice",
        run_sdtm(lambda env: env.edit(env.study / "study.yaml", "region: PMDA", "region: PMDA\nregion: FDA")),
        (r"<tmp>/mappings/elra-jp-pms/study\.yaml:8, field region: duplicated key",),
    ),
    Case(
        "study-bad-studyid",
        "study.yaml",
        "a STUDYID with lower-case letters",
        run_sdtm(lambda env: env.edit(env.study / "study.yaml", f"studyid: {STUDY}", "studyid: elra-jp")),
        (r"<tmp>/mappings/elra-jp-pms/study\.yaml:2: studyid: .*pattern",),
    ),
    Case(
        "study-arm-and-reason",
        "study.yaml",
        "both an arm and an arm null reason",
        run_sdtm(
            lambda env: env.edit(
                env.study / "study.yaml",
                "  arm_null_reason: NOT ASSIGNED",
                "  arm_null_reason: NOT ASSIGNED\n  arm: {armcd: A, arm: Drug A}",
            )
        ),
        (r"<tmp>/mappings/elra-jp-pms/study\.yaml:\d+: design: .*exactly one of arm and arm_null_reason",),
    ),
    Case(
        "study-unknown-domain",
        "study.yaml",
        "domains lists a domain without a mapping file",
        run_sdtm(lambda env: env.edit(env.study / "study.yaml", "domains: [DM, AE,", "domains: [DM, AE, XX,")),
        (r"<tmp>/mappings/elra-jp-pms/study\.yaml:\d+, field domains: no mapping file for XX",),
    ),
)
