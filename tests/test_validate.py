import json
import shutil

import pytest

from portal.publish.discover import discover
from portal.publish.metadata import load_metadata
from portal.publish.validate import validate

from .conftest import BROKEN, FIXTURE_DATASETS, FIXTURE_METADATA, copy_datasets


@pytest.fixture(scope="module")
def metadata():
    metadata, problems = load_metadata(FIXTURE_METADATA)
    assert problems == []
    return metadata


def run(datasets, metadata):
    return {name: validation.issues for name, validation in validate(discover(datasets), metadata).items()}


def edit_descriptor(folder, **changes):
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text())
    descriptor.update(changes)
    path.write_text(json.dumps(descriptor))
    return descriptor


def test_good_packages_have_no_issues(metadata):
    assert run(FIXTURE_DATASETS, metadata) == {"layanan-mini": [], "wilayah-mini": []}


def test_broken_data_is_reported_with_file_row_field_and_code(tmp_path, metadata):
    datasets = copy_datasets(tmp_path / "d", FIXTURE_DATASETS / "wilayah-mini", BROKEN / "layanan-mini")
    issues = run(datasets, metadata)
    assert issues["wilayah-mini"] == []
    found = {(i.code, i.row, i.field) for i in issues["layanan-mini"]}
    assert found == {("type-error", 3, "biaya"), ("foreign-key", 5, "kode_kelurahan")}
    assert all(i.file.endswith("layanan-mini/data/pengaduan_mini.csv") for i in issues["layanan-mini"])


def test_portal_rules_name_the_descriptor_property(tmp_path, metadata):
    datasets = copy_datasets(tmp_path / "d", BROKEN / "rusak-baru")
    issues = run(datasets, metadata)["rusak-baru"]
    assert {(i.code, i.field) for i in issues} == {("portal-metadata", "publisher"), ("portal-metadata", "sources")}
    assert all(i.file.endswith("rusak-baru/datapackage.json") for i in issues)


@pytest.mark.parametrize("changes, field", [
    ({"name": "other-name"}, "name"),
    ({"themes": ["tourism"]}, "themes"),
    ({"themes": []}, "themes"),
    ({"licenses": [{"name": "GPL"}]}, "licenses"),
    ({"accrualPeriodicity": "sometimes"}, "accrualPeriodicity"),
    ({"accessRights": "tertutup"}, "accessRights"),
    ({"author": "nobody"}, "author"),
    ({"maintainer": None}, "maintainer"),
    ({"modified": "kemarin"}, "modified"),
    ({"temporal": {"start": "2024"}}, "temporal"),
    ({"dasar_hukum": "Perpres"}, "dasar_hukum"),
    ({"title": ""}, "title"),
])
def test_required_metadata_must_resolve(tmp_path, metadata, changes, field):
    datasets = copy_datasets(tmp_path / "d", FIXTURE_DATASETS / "wilayah-mini")
    edit_descriptor(datasets / "wilayah-mini", **changes)
    issues = run(datasets, metadata)["wilayah-mini"]
    assert field in {i.field for i in issues}


def test_sample_data_needs_no_sources_but_real_data_does(tmp_path, metadata):
    datasets = copy_datasets(tmp_path / "d", FIXTURE_DATASETS / "wilayah-mini")
    edit_descriptor(datasets / "wilayah-mini", sources=[], sample=True)
    assert run(datasets, metadata)["wilayah-mini"] == []
    edit_descriptor(datasets / "wilayah-mini", sample=False)
    assert [i.field for i in run(datasets, metadata)["wilayah-mini"]] == ["sources"]


def test_resource_and_column_names_must_be_safe_sql_identifiers(tmp_path, metadata):
    datasets = copy_datasets(tmp_path / "d", FIXTURE_DATASETS / "wilayah-mini")
    descriptor = json.loads((datasets / "wilayah-mini" / "datapackage.json").read_text())
    descriptor["resources"][0]["name"] = "Kecamatan; drop table x"
    descriptor["resources"][1]["schema"]["fields"][1]["name"] = "Nama Lengkap"
    (datasets / "wilayah-mini" / "datapackage.json").write_text(json.dumps(descriptor))
    issues = run(datasets, metadata)["wilayah-mini"]
    assert {i.field for i in issues if i.code == "portal-name"} == {"resources[0].name", "resources[1].schema.fields"}


def test_resource_names_are_unique_across_the_portal(tmp_path, metadata):
    datasets = copy_datasets(tmp_path / "d", FIXTURE_DATASETS / "wilayah-mini")
    shutil.copytree(datasets / "wilayah-mini", datasets / "wilayah-kopi")
    edit_descriptor(datasets / "wilayah-kopi", name="wilayah-kopi")
    issues = run(datasets, metadata)
    for name in ("wilayah-mini", "wilayah-kopi"):
        assert {i.code for i in issues[name]} == {"portal-duplicate-resource"}
        assert "kecamatan_mini" in " ".join(i.message for i in issues[name])


def test_a_package_pointing_at_an_invalid_package_fails_too(tmp_path, metadata):
    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    (datasets / "wilayah-mini" / "data" / "kecamatan_mini.csv").write_text("kode,nama\n,Tanpa kode\n")
    issues = run(datasets, metadata)
    assert issues["wilayah-mini"][0].code == "constraint-error"
    assert [i.code for i in issues["layanan-mini"]] == ["portal-foreign-key"]
    assert "wilayah-mini" in issues["layanan-mini"][0].message


def test_foreign_key_to_a_missing_package(tmp_path, metadata):
    datasets = copy_datasets(tmp_path / "d", FIXTURE_DATASETS / "layanan-mini")
    issues = run(datasets, metadata)["layanan-mini"]
    assert [(i.code, i.field) for i in issues] == [("portal-foreign-key", "foreignKeys")]
    assert "does not exist" in issues[0].message


def test_foreign_key_must_point_at_a_primary_key(tmp_path, metadata):
    datasets = copy_datasets(tmp_path / "d", FIXTURE_DATASETS / "wilayah-mini")
    descriptor = json.loads((datasets / "wilayah-mini" / "datapackage.json").read_text())
    del descriptor["resources"][0]["schema"]["primaryKey"]
    (datasets / "wilayah-mini" / "datapackage.json").write_text(json.dumps(descriptor))
    issues = run(datasets, metadata)["wilayah-mini"]
    assert [(i.code, i.field) for i in issues] == [("portal-foreign-key", "foreignKeys")]
    assert "kecamatan_mini(kode)" in issues[0].message
