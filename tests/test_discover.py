import json
import os

import pytest

from portal.publish.discover import discover, unsafe_path_reason

from .conftest import FIXTURE_DATASETS


def make_package(folder, path="data/t.csv", name=None):
    folder.mkdir(parents=True)
    descriptor = {"name": name or folder.name, "resources": [{"name": "t", "path": path}]}
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    return folder


def test_discovers_every_package_folder_in_name_order():
    sources = discover(FIXTURE_DATASETS)
    assert [s.name for s in sources] == ["layanan-mini", "wilayah-mini"]
    assert all(not s.issues for s in sources)
    assert sources[1].descriptor["title"] == "Wilayah mini"


def test_accepts_a_yaml_descriptor(tmp_path):
    folder = tmp_path / "yaml-pkg"
    folder.mkdir()
    (folder / "datapackage.yaml").write_text("name: yaml-pkg\nresources:\n  - name: t\n    path: data/t.csv\n")
    (source,) = discover(tmp_path)
    assert source.descriptor["resources"][0]["path"] == "data/t.csv"
    assert source.descriptor_file.name == "datapackage.yaml"


@pytest.mark.parametrize("path, words", [
    ("/etc/passwd", "absolute"),
    ("../other/data.csv", "'..'"),
    ("data/../../x.csv", "'..'"),
    ("https://example.org/data.csv", "URL"),
    ("file:///etc/passwd", "URL"),
    ("", "local file path"),
])
def test_refuses_unsafe_paths(tmp_path, path, words):
    make_package(tmp_path / "pkg", path=path)
    (source,) = discover(tmp_path)
    assert [i.code for i in source.issues] == ["portal-unsafe-path"]
    assert words in source.issues[0].message
    assert source.issues[0].field == "resources[0].path"


def test_refuses_a_path_through_a_symlink_before_reading_it(tmp_path):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "t.csv").write_text("a\n1\n")
    package = make_package(tmp_path / "datasets" / "pkg")
    os.symlink(secret, package / "data")
    (source,) = discover(tmp_path / "datasets")
    assert source.issues[0].code == "portal-unsafe-path"
    assert "symbolic link" in source.issues[0].message


def test_reports_a_folder_without_descriptor_and_a_broken_descriptor(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "datapackage.json").write_text("{not json")
    broken, empty = discover(tmp_path)
    assert empty.issues[0].code == "portal-missing-descriptor"
    assert broken.issues[0].code == "portal-descriptor-syntax"
    assert broken.issues[0].file.endswith("broken/datapackage.json")


def test_safe_relative_path_is_accepted(tmp_path):
    folder = tmp_path / "pkg"
    (folder / "data").mkdir(parents=True)
    assert unsafe_path_reason(folder, "data/t.csv") is None
