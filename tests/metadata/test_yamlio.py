"""YAML errors name the file, the line and the key, and say what was expected."""

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from cdiscmm.core.errors import SpecError
from cdiscmm.metadata.yamlio import load_model


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    size: int = 1


class Top(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    items: list[Item]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_file_loads(tmp_path: Path) -> None:
    top = load_model(write(tmp_path, "title: t\nitems:\n  - name: a\n    size: 3\n"), Top)
    assert top.items[0].size == 3


def test_wrong_type_names_line_and_key(tmp_path: Path) -> None:
    path = write(tmp_path, "title: t\nitems:\n  - name: a\n    size: big\n")
    with pytest.raises(SpecError) as caught:
        load_model(path, Top)
    text = str(caught.value)
    assert f"{path}:4" in text and "items.0.size" in text and "'big'" in text


def test_unknown_key_lists_allowed_keys(tmp_path: Path) -> None:
    path = write(tmp_path, "title: t\nitems:\n  - name: a\n    colour: red\n")
    with pytest.raises(SpecError) as caught:
        load_model(path, Top)
    assert f"{path}:4" in str(caught.value)
    assert "unknown key 'colour'; expected one of: name, size" in str(caught.value)


def test_missing_key_and_more_problems_are_listed(tmp_path: Path) -> None:
    path = write(tmp_path, "items:\n  - size: 2\n")
    with pytest.raises(SpecError) as caught:
        load_model(path, Top)
    assert "title: required key is missing" in str(caught.value)
    assert any("items.0.name" in line and ":2:" in line for line in caught.value.details)


def test_broken_yaml_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, "title: t\nitems: [\n  - name: a\n")
    with pytest.raises(SpecError) as caught:
        load_model(path, Top)
    assert "invalid YAML" in str(caught.value) and str(path) in str(caught.value)


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="file is empty"):
        load_model(write(tmp_path, ""), Top)
