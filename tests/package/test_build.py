"""The package of a bundled study (EQUE-CN-RWS, N = 40) built with ``cdiscmm package``: tree, labels, guides,
manifest, rerun, --verify, and a run killed half-way."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import cdiscmm
from cdiscmm.cli import main
from cdiscmm.io.xpt.read import read_xpt
from cdiscmm.package.guides.render import FONTS
from cdiscmm.package.manifest import comparable, read_manifest, verify_package
from tests.conftest import SMALL_STUDY

pytestmark = pytest.mark.slow
STUDY = SMALL_STUDY.lower()
CJK_FONT = any(Path(path).is_file() for path in FONTS["cjk"])


def package(out: Path, region: str, *extra: str) -> int:
    return main(["package", "--region", region, "--study", SMALL_STUDY, "--out", str(out), "-q", *extra])


@pytest.mark.skipif(not CJK_FONT, reason="Debian fonts-wqy-microhei (CJK font for the Chinese guide) not installed")
def test_nmpa_package_has_the_tree_chinese_labels_and_a_chinese_guide(small_study_out: Path) -> None:
    assert package(small_study_out, "nmpa") == 0
    root = small_study_out / SMALL_STUDY / "package" / "nmpa"
    sdtm = root / "m5" / "datasets" / STUDY / "tabulations" / "sdtm"
    adam = root / "m5" / "datasets" / STUDY / "analysis" / "adam" / "datasets"
    for path in [sdtm / "ae.xpt", sdtm / "define.xml", sdtm / "define2-1.xsl", sdtm / "csdrg.pdf", sdtm / "acrf.pdf"]:
        assert path.is_file(), path
    ae = read_xpt(sdtm / "ae.xpt")
    assert (ae.label, ae.labels["AETERM"]) == ("不良事件", "不良事件报告术语")
    assert ae.data["AETERM"].equals(read_xpt(small_study_out / SMALL_STUDY / "sdtm" / "zh" / "ae.xpt").data["AETERM"])
    assert (sdtm / "csdrg.pdf").read_bytes().startswith(b"%PDF")
    guide = (root / "review" / "csdrg.html").read_text(encoding="utf-8")
    assert "临床研究数据审评者指南" in guide and "UTF-8" in guide
    manifest = read_manifest(root)
    assert (adam / "adrg.pdf").is_file()
    assert manifest["verdict"] == "accepted"  # the annotated CRF define.xml links is there (PKG-LEAF, PKG-ACRF)
    assert not [finding for finding in manifest["findings"] if finding["rule"] in ("PKG-LEAF", "PKG-ACRF")]
    assert "raw/data_dictionary.csv" in manifest["inputs"]


@pytest.mark.skipif(not CJK_FONT, reason="Debian fonts-wqy-microhei (CJK font for the Chinese guide) not installed")
def test_nmpa_define_describes_the_chinese_datasets_in_english_and_chinese(small_study_out: Path) -> None:
    """The package's defines are written from the relabelled Chinese datasets it holds (their lengths, their
    labels), with both languages; each agrees with its files; the guides print the Chinese data choices and
    explanations. ``cdiscmm define`` also wrote the zh/ folder's own define."""
    package(small_study_out, "nmpa")
    root = small_study_out / SMALL_STUDY / "package" / "nmpa"
    sdtm = root / "m5" / "datasets" / STUDY / "tabulations" / "sdtm"
    define = (sdtm / "define.xml").read_text(encoding="utf-8")
    assert '<TranslatedText xml:lang="en">Adverse Events</TranslatedText>' in define
    assert '<TranslatedText xml:lang="zh">不良事件</TranslatedText>' in define
    assert '<TranslatedText xml:lang="zh">ae 表单 AESER 字段</TranslatedText>' in define  # a collected origin
    analysis = (root / "m5" / "datasets" / STUDY / "analysis" / "adam" / "datasets" / "define.xml").read_text("utf-8")
    assert '<TranslatedText xml:lang="zh">总缓解率（ORR，经确认的 PR 及以上）</TranslatedText>' in analysis
    manifest = read_manifest(root)
    assert "define match: 2 define.xml checked, 0 disagreement(s)" in manifest["checks"]
    # every description, decode, method, comment, origin and analysis result has its Chinese text
    assert not [finding for finding in manifest["findings"] if finding["rule"] == "PKG-LABEL"]
    guide = (root / "review" / "csdrg.html").read_text(encoding="utf-8")
    assert "本地语言文本" in guide and "Local-language text" not in guide
    assert "数据说明文件" in guide
    local = (small_study_out / SMALL_STUDY / "sdtm" / "zh" / "define.xml").read_text(encoding="utf-8")
    assert '<TranslatedText xml:lang="zh">不良事件</TranslatedText>' in local


def test_fda_rerun_gives_the_same_datasets_and_manifest(small_study_out: Path) -> None:
    root = small_study_out / SMALL_STUDY / "package" / "fda"
    package(small_study_out, "fda")
    first = read_manifest(root)
    datasets = {path: path.read_bytes() for path in root.rglob("*.xpt")}
    package(small_study_out, "fda")
    second = read_manifest(root)
    assert comparable(first) == comparable(second)
    assert {path: path.read_bytes() for path in root.rglob("*.xpt")} == datasets
    assert second["code"]["release"] == cdiscmm.__version__
    assert "sdtm/ae.xpt" in second["inputs"] and "specs/regions/fda.yaml" in second["specs"]
    assert set(second["terminology"]) == {"SDTM CT", "ADaM CT"}
    guide = (root / "review" / "csdrg.html").read_text(encoding="utf-8")
    records = len(read_xpt(root / "m5" / "datasets" / STUDY / "tabulations" / "sdtm" / "ae.xpt").data)
    assert f"<td>AE</td><td>Adverse Events</td><td>Events</td><td>{records}</td>" in guide


def test_verify_finds_a_changed_file(small_study_out: Path) -> None:
    package(small_study_out, "fda")
    root = small_study_out / SMALL_STUDY / "package" / "fda"
    assert verify_package(root) == []
    assert package(small_study_out, "fda", "--verify") == 0
    target = root / "m5" / "datasets" / STUDY / "analysis" / "adam" / "datasets" / "adsl.xpt"
    target.write_bytes(target.read_bytes()[:-1] + b"X")
    (root / "extra.txt").write_text("x", encoding="utf-8")
    changed = f"m5/datasets/{STUDY}/analysis/adam/datasets/adsl.xpt"
    assert verify_package(root) == [
        "extra.txt: not in the manifest",
        f"{changed}: SHA-256 differs from the manifest (changed since the build)",
    ]
    assert package(small_study_out, "fda", "--verify") == 1


def test_a_killed_run_leaves_the_previous_package(small_study_out: Path) -> None:
    package(small_study_out, "pmda")
    root = small_study_out / SMALL_STUDY / "package" / "pmda"
    before = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    environment = {**os.environ, "PYTHONPATH": str(Path(cdiscmm.__file__).parent.parent)}
    command = [sys.executable, "-m", "cdiscmm", "package", "--region", "pmda", "--study", SMALL_STUDY]
    process = subprocess.Popen([*command, "--out", str(small_study_out), "-q"], env=environment)
    staged = False
    while process.poll() is None and not staged:
        staged = any(root.parent.glob(".staging-pmda-*/m5"))
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert staged, "the run ended before it wrote its staging folder"
    assert verify_package(root) == []
    assert json.loads((root / "manifest.json").read_text(encoding="utf-8")) == before


@pytest.mark.skipif(not CJK_FONT, reason="Debian fonts-wqy-microhei (CJK font for the Chinese guide) not installed")
def test_nmpa_guide_prints_trial_summary_and_classes_in_chinese(small_study_out: Path) -> None:
    package(small_study_out, "nmpa")
    guide = (small_study_out / SMALL_STUDY / "package" / "nmpa" / "review" / "csdrg.html").read_text(encoding="utf-8")
    assert "<td>试验标题</td>" in guide and "<td>Trial Title</td>" not in guide
    assert "<td>AE</td><td>不良事件</td><td>事件类</td>" in guide
