"""The datasets the portal ships: published for real, every page rendered, honesty checked."""

import json

import pytest

from portal import create_app
from portal.asgi import PortalApplication
from portal.publish import publish
from samples import WILAYAH
from samples.places import Kelurahan

from .conftest import ROOT, SyncASGIClient
from .html import parse, text

DATASETS = ROOT / "datasets"
THEMES = ["governance", "branding", "economy", "living", "environment", "society"]


def descriptors():
    return {p.parent.name: json.loads(p.read_text()) for p in sorted(DATASETS.glob("*/datapackage.json"))}


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    build = tmp_path_factory.mktemp("bundled")
    report = publish(DATASETS, ROOT / "metadata", build)
    assert report.ok, [f"{i.location()}: {i.message}" for i in report.all_issues()]
    app = create_app({"BUILD_DIR": str(build)})
    client = SyncASGIClient(PortalApplication(app))
    yield report, app.test_client(), client
    client.close()


def test_every_bundled_package_publishes(bundled):
    report, _, _ = bundled
    assert sorted(d.name for d in report.datasets) == sorted(descriptors())
    assert all(d.status == "published" for d in report.datasets)


def test_real_data_has_sources_and_licences_samples_are_marked(bundled):
    report, _, _ = bundled
    rows = {d.name: d.rows for d in report.datasets}
    for name, descriptor in descriptors().items():
        if descriptor.get("sample"):
            assert descriptor["title"].endswith("(Data sampel sintetis)"), name
            assert "seed" in descriptor["description"] and "BUKAN fakta" in descriptor["description"], name
            assert 2000 <= rows[name] <= 10000, name
        else:
            assert descriptor["sources"] and descriptor["licenses"], name
            assert all(s.get("path") for s in descriptor["sources"]), name


def test_a_sample_dataset_for_every_dimension():
    sample_themes = {t for d in descriptors().values() if d.get("sample") for t in d["themes"]}
    assert sample_themes == set(THEMES)


def test_reference_tables_hold_the_official_counts(bundled):
    _, _, client = bundled
    sql = ("select (select count(*) from provinsi) p, (select count(*) from kabupaten_kota) k, "
           "(select count(*) from kota_malang_kecamatan) kc, (select count(*) from kota_malang_kelurahan) kl")
    (counts,) = client.get("/sql/portal.json", params={"sql": sql, "_shape": "array"}).json()
    assert counts == {"p": 38, "k": 514, "kc": 5, "kl": 57}


def test_every_page_renders(bundled):
    _, pages, _ = bundled
    urls = ["/", "/dataset", "/theme", "/publisher", "/about"] + [f"/theme/{t}" for t in THEMES]
    urls += [f"/dataset/{name}" for name in descriptors()]
    urls += [f"/publisher/{d['publisher']}" for d in descriptors().values()]
    for url in urls:
        assert pages.get(url).status_code == 200, url


def test_every_sample_page_is_badged(bundled):
    _, pages, _ = bundled
    for name, descriptor in descriptors().items():
        page = parse(pages.get(f"/dataset/{name}"))
        badge = page.css_first(".notice-sample .badge-sample")
        if descriptor.get("sample"):
            assert badge is not None and text(badge, "*") == "Data sampel sintetis", name
        else:
            assert badge is None, name


def test_every_table_is_served_by_datasette(bundled):
    _, _, client = bundled
    for descriptor in descriptors().values():
        for resource in descriptor["resources"]:
            response = client.get(f"/sql/portal/{resource['name']}.json?_shape=array&_size=1")
            assert response.status_code == 200 and len(response.json()) == 1, resource["name"]


def test_key_figures_are_computed_from_their_datasets(bundled):
    _, pages, _ = bundled
    page = parse(pages.get("/"))
    figures = {li.attributes["data-dataset"] + ":" + text(li, ".figure-value") for li in page.css(".key-figures li")}
    assert figures == {"kode-wilayah-indonesia:57", "kode-wilayah-indonesia:5",
                       "penduduk-kecamatan-kota-malang:847.182 jiwa", "gerakan-menuju-100-smart-city:25"}


def test_points_of_the_hotspot_map(bundled):
    _, pages, _ = bundled
    data = pages.get("/dataset/sampel-hotspot-wifi/data/sampel_hotspot_wifi.geojson").get_json()
    assert len(data["features"]) == 2000
    longitudes, latitudes = zip(*(f["geometry"]["coordinates"] for f in data["features"]))
    # Inside the box around Kota Malang's kelurahan (each point inside its own one: tests/test_samples.py).
    lat_min, lat_max, lon_min, lon_max = Kelurahan.load(WILAYAH).bounds()
    assert lat_min <= min(latitudes) and max(latitudes) <= lat_max
    assert lon_min <= min(longitudes) and max(longitudes) <= lon_max
    page = parse(pages.get("/dataset/sampel-hotspot-wifi"))
    assert page.css_first(".point-map").attributes["data-geojson"].endswith("sampel_hotspot_wifi.geojson")
    assert page.css_first("script[src*=leaflet]") is not None
