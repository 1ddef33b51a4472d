import json

import pytest

from portal.catalog import CATALOG_VERSION, Catalog, CatalogVersionError, ColumnStats, ForeignKey
from portal.releases import current_release_id, releases_dir


@pytest.fixture(scope="module")
def catalog_path(published_build):
    return releases_dir(published_build) / current_release_id(published_build) / "catalog.json"


def test_catalog_round_trips_through_json(catalog_path, tmp_path):
    catalog = Catalog.load(catalog_path)
    catalog.dump(tmp_path / "again.json")
    assert Catalog.load(tmp_path / "again.json") == catalog
    assert json.loads(catalog_path.read_text())["version"] == CATALOG_VERSION


def test_catalog_holds_what_pages_need(catalog_path):
    catalog = Catalog.load(catalog_path)
    dataset = catalog.dataset("layanan-mini")
    assert dataset.sample is True and dataset.publisher == "dlh" and dataset.themes == ["governance", "society"]
    resource = dataset.resource("pengaduan_mini")
    assert resource.rows == 5 and resource.primary_key == ["id"]
    assert resource.foreign_keys == [ForeignKey(["kode_kelurahan"], "kelurahan_mini", ["kode"], "wilayah-mini")]
    biaya = next(f for f in resource.fields if f.name == "biaya")
    assert (biaya.unit, biaya.description) == ("rupiah", "Biaya penanganan")
    assert biaya.stats == ColumnStats(nulls=1, distinct=4, min=0.0, max=20000.0)
    assert resource.file.path == "files/layanan-mini/data/pengaduan_mini.csv" and len(resource.file.sha256) == 64
    assert catalog.table_owner("kelurahan_mini").name == "wilayah-mini"
    assert [d.name for d in catalog.datasets_of_theme("society")] == ["layanan-mini"]


def test_catalog_of_another_version_is_refused(catalog_path):
    data = json.loads(catalog_path.read_text())
    data["version"] = CATALOG_VERSION + 1
    with pytest.raises(CatalogVersionError):
        Catalog.from_dict(data)
