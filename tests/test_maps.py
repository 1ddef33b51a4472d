"""Maps by area (choropleths): computed at publish from the table keyed on kelurahan or kecamatan,
declared or chosen automatically, drawn as accessible SVG with a legend and a data table, offered as
SVG/PNG/CSV, as GeoJSON for the interactive map, and in an embed."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from portal import create_app
from portal.catalog import Catalog
from portal.cli import cli
from portal.publish import publish
from portal.publish.maps import class_breaks

from .conftest import ROOT

SVG = "{http://www.w3.org/2000/svg}"
FACILITIES = ("sampel-fasilitas-layanan-dasar", "sampel_fasilitas_layanan_dasar")


@pytest.fixture(scope="module")
def bundled(bundled_build):
    catalog = Catalog.load(bundled_build / "current" / "catalog.json")
    return catalog, sqlite3.connect(bundled_build / "current" / "portal.db")


@pytest.fixture(scope="module")
def client(bundled_app):
    return bundled_app.test_client()


def choropleth(catalog, dataset, resource):
    return catalog.dataset(dataset).resource(resource).choropleth


def test_a_table_keyed_on_kelurahan_maps_its_latest_year_summed_like_sql(bundled):
    catalog, db = bundled
    found = choropleth(catalog, *FACILITIES)
    assert (found.level, found.area, found.measure, found.aggregate) == ("kelurahan", "kode_kelurahan", "jumlah", "sum")
    latest = db.execute("select max(tahun) from sampel_fasilitas_layanan_dasar").fetchone()[0]
    assert found.period_field == "tahun" and found.period == str(latest)
    expected = db.execute("select k.kode, sum(f.jumlah) from kota_malang_kelurahan k left join sampel_fasilitas_layanan_dasar f "
                          "on f.kode_kelurahan = k.kode and f.tahun = ? group by k.kode order by k.kode", [latest]).fetchall()
    assert [tuple(v) for v in found.values] == expected and len(expected) == 57


def test_an_event_log_maps_its_rows_counted_per_kelurahan(bundled):
    catalog, db = bundled
    found = choropleth(catalog, "sampel-pengaduan-layanan", "sampel_pengaduan_layanan")
    assert (found.measure, found.aggregate, found.period) == (None, "count", "")
    counts = dict(db.execute("select kode_kelurahan, count(*) from sampel_pengaduan_layanan group by 1"))
    assert {code: value for code, value in found.values} == {code: counts.get(code, 0) for code, _ in found.values}
    assert sum(value for _, value in found.values) == db.execute("select count(*) from sampel_pengaduan_layanan").fetchone()[0]


def test_a_list_of_places_maps_how_many_there_are_per_kelurahan(bundled):
    catalog, db = bundled
    found = choropleth(catalog, "sampel-hotspot-wifi", "sampel_hotspot_wifi")
    assert (found.measure, found.aggregate) == (None, "count")  # not its average daily users, summed
    assert sum(v for _, v in found.values) == db.execute("select count(*) from sampel_hotspot_wifi").fetchone()[0]


def test_a_table_keyed_on_kecamatan_maps_by_kecamatan(bundled):
    catalog, db = bundled
    found = choropleth(catalog, "penduduk-kecamatan-kota-malang", "kota_malang_penduduk_kecamatan")
    assert (found.level, found.measure) == ("kecamatan", "penduduk_kda2023")
    assert dict(found.values) == dict(db.execute("select kode, penduduk_kda2023 from kota_malang_penduduk_kecamatan"))
    assert len(found.breaks) == 6  # five kecamatan, five classes: one each


def test_tables_without_area_keys_get_no_map(bundled):
    catalog, _ = bundled
    assert choropleth(catalog, "sampel-anggaran-smart-city", "sampel_anggaran_smart_city") is None
    assert choropleth(catalog, "kode-wilayah-indonesia", "provinsi") is None


@pytest.mark.parametrize("values, classes, method, expected", [
    (list(range(57)), 5, "quantile", [0, 10, 21, 33, 44, 56]),
    ([1, 2, 3, 4, 5], 5, "quantile", [1, 1, 2, 3, 4, 5]),
    ([0] * 50 + [1] * 7, 5, "quantile", [0, 0, 1]),  # equal values merge their classes
    ([0, 10], 5, "equal", [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]),
    ([], 5, "quantile", []),
])
def test_class_breaks(values, classes, method, expected):
    assert class_breaks(values, classes, method) == expected


def test_the_dataset_page_shows_the_map_its_legend_and_a_table_of_every_area(client, bundled):
    catalog, _ = bundled
    html = client.get("/dataset/sampel-fasilitas-layanan-dasar").get_data(as_text=True)
    figure = html[html.index('<figure class="map-figure choropleth-figure"'):]
    figure = figure[:figure.index("</figure>") + 9]
    period = choropleth(catalog, *FACILITIES).period  # the latest year
    assert f"Jumlah fasilitas pendidikan dan kesehatan menurut kelurahan, {period}" in figure
    svgs = re.findall(r"<svg class=\"choropleth.*?</svg>", figure, re.S)
    assert len(svgs) == 2  # wide and narrow
    for svg in svgs:
        root = ET.fromstring(svg)  # valid XML
        assert root.get("role") == "img"
        title_id, desc_id = root.get("aria-labelledby").split()
        assert root.find(f"{SVG}title").get("id") == title_id and root.find(f"{SVG}desc").get("id") == desc_id
        assert "57 wilayah" in root.find(f"{SVG}desc").text
        assert len(root.findall(f".//{SVG}path[@data-code]")) == 57
        legend = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "legend"]
        assert len(legend) == 5 and all(re.fullmatch(r"[\d.]+( – [\d.]+)? \(\d+ kelurahan\)", text) for text in legend)
    rows = re.findall(r'<tr data-code="([\d.]+)"><th scope="row"><a href="/wilayah/[\d.]+">([^<]+)</a><span class="parent"> Kec\. (\w+)</span></th>'
                      r'<td class="num">([^<]+)</td>', figure)
    assert len(rows) == 57
    values = dict(choropleth(catalog, *FACILITIES).values)
    assert all(int(shown) == values[code] for code, _, _, shown in rows)
    assert [int(shown) for *_, shown in rows] == sorted(values.values(), reverse=True)  # highest first


def test_numbers_follow_the_language(client):
    page = client.get("/dataset/penduduk-kecamatan-kota-malang").get_data(as_text=True)
    assert "209.375" in page and "Penduduk (KDA 2023) menurut kecamatan" in page
    english = client.get("/dataset/penduduk-kecamatan-kota-malang?lang=en").get_data(as_text=True)
    assert "209,375" in english and "Penduduk (KDA 2023) by kecamatan" in english  # the column has no English title


def test_the_map_downloads_as_svg_png_and_csv(client, bundled):
    catalog, _ = bundled
    base = "/dataset/sampel-fasilitas-layanan-dasar/sampel_fasilitas_layanan_dasar/map"
    svg = client.get(base + ".svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert 'filename="sampel_fasilitas_layanan_dasar-peta.svg"' in svg.headers["Content-Disposition"]
    root = ET.fromstring(svg.data)
    assert root.get("width") and root.find(f"{SVG}style") is not None  # a file stands alone
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "Data sampel sintetis" in texts and "Batas wilayah" in texts
    png = client.get(base + ".png")
    assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    lines = client.get(base + ".csv").get_data(as_text=True).splitlines()
    assert lines[0] == "kode_wilayah,nama_wilayah,Jumlah (unit)" and len(lines) == 58
    values = dict(choropleth(catalog, *FACILITIES).values)
    assert all(int(line.split(",")[2]) == values[line.split(",")[0]] for line in lines[1:])
    assert client.get(base + ".pdf").status_code == 404
    assert client.get("/dataset/sampel-anggaran-smart-city/sampel_anggaran_smart_city/map.svg").status_code == 404


def test_the_interactive_map_gets_areas_with_colours_and_outlines(client):
    areas = client.get("/dataset/sampel-fasilitas-layanan-dasar/sampel_fasilitas_layanan_dasar/map-areas.geojson")
    assert areas.mimetype == "application/geo+json"
    data = areas.get_json()
    assert len(data["features"]) == 57 and all(f["properties"]["fill"].startswith("#") for f in data["features"])
    assert all(f["properties"]["label"].startswith(f["properties"]["nama"] + ": ") for f in data["features"])
    assert len(data["legend"]["entries"]) == 5
    outlines = client.get("/peta/batas-wilayah.geojson").get_json()
    assert sorted(f["properties"]["kode"] for f in outlines["features"]) == \
        ["35.73", "35.73.01", "35.73.02", "35.73.03", "35.73.04", "35.73.05"]


def test_the_embed_shows_the_map_with_its_source(client):
    page = client.get("/embed/sampel-fasilitas-layanan-dasar/sampel_fasilitas_layanan_dasar/map")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'class="choropleth choropleth-wide"' in html and "source-line" in html
    assert "Sematkan peta ini" not in html and "maps.css" in html
    dataset_page = client.get("/dataset/sampel-fasilitas-layanan-dasar").get_data(as_text=True)
    assert "/embed/sampel-fasilitas-layanan-dasar/sampel_fasilitas_layanan_dasar/map" in dataset_page
    assert client.get("/embed/sampel-anggaran-smart-city/sampel_anggaran_smart_city/map").status_code == 404


# --------------------------------------------------------------------------- declared in the descriptor

def publish_facilities(tmp_path, declared):
    """kode-wilayah-indonesia and the facilities sample with ``declared`` as the resource's "map"."""
    datasets = tmp_path / "datasets"
    for name in ("kode-wilayah-indonesia", "penduduk-kecamatan-kota-malang", FACILITIES[0]):  # its queries join these
        shutil.copytree(ROOT / "datasets" / name, datasets / name)
    descriptor_file = datasets / FACILITIES[0] / "datapackage.json"
    descriptor = json.loads(descriptor_file.read_text(encoding="utf-8"))
    descriptor["resources"][0]["map"] = declared
    descriptor_file.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
    return publish(datasets, ROOT / "metadata", tmp_path / "build"), tmp_path / "build"


def test_a_declared_map_is_honoured(tmp_path):
    declared = {"measure": "jumlah", "aggregate": "mean", "classes": 3, "classification": "equal", "period": "all"}
    report, build = publish_facilities(tmp_path, declared)
    assert report.ok, report.all_issues()
    found = choropleth(Catalog.load(build / "current" / "catalog.json"), *FACILITIES)
    assert (found.aggregate, found.measure, found.classification, found.declared, found.period) == \
        ("mean", "jumlah", "equal", True, "")
    db = sqlite3.connect(build / "current" / "portal.db")
    expected = db.execute("select kode_kelurahan, avg(jumlah) from sampel_fasilitas_layanan_dasar group by 1")
    assert dict(found.values) == pytest.approx(dict(expected), abs=0.005)  # kept to 2 decimals
    low, high = min(v for _, v in found.values), max(v for _, v in found.values)
    assert low < high and found.breaks == pytest.approx([low + (high - low) * i / 3 for i in range(4)], abs=0.01)
    app = create_app({"BUILD_DIR": str(build), "TESTING": True, "BASE_URL": "http://localhost"})
    page = app.test_client().get("/dataset/sampel-fasilitas-layanan-dasar").get_data(as_text=True)
    assert "Kelas: rentang nilai sama lebar." in page and "Dipilih otomatis" not in page


def test_a_map_can_be_turned_off(tmp_path):
    report, build = publish_facilities(tmp_path, False)
    assert report.ok
    assert choropleth(Catalog.load(build / "current" / "catalog.json"), *FACILITIES) is None


def test_a_bad_declaration_is_a_publish_error_naming_file_and_property(tmp_path):
    declared = {"measure": "jenis_fasilitas", "aggregate": "median", "classes": 12, "classification": "jenks",
                "period": "first", "area": "tahun", "colour": "red"}
    report, _ = publish_facilities(tmp_path, declared)
    assert not report.ok
    issues = [i for i in report.all_issues() if i.code == "portal-map"]
    assert {i.field for i in issues} == {f"resources[0].map.{key}" for key in declared}
    assert all(i.file.endswith(f"{FACILITIES[0]}/datapackage.json") for i in issues)
    by_field = {i.field.rsplit(".", 1)[1]: i.message for i in issues}
    assert "'jenis_fasilitas'" in by_field["measure"] and "jumlah" in by_field["measure"]  # names the numeric columns
    assert "sum, mean, count" in by_field["aggregate"] and "3" in by_field["classes"] and "7" in by_field["classes"]
    assert "kode_kelurahan" in by_field["area"] and "latest, all" in by_field["period"] and "area" in by_field["colour"]
    outcome = next(d for d in report.datasets if d.name == FACILITIES[0])
    assert outcome.status == "failed"


def test_a_map_needs_an_area_key(tmp_path):
    datasets = tmp_path / "datasets"
    shutil.copytree(ROOT / "datasets" / "sampel-anggaran-smart-city", datasets / "sampel-anggaran-smart-city")
    descriptor_file = datasets / "sampel-anggaran-smart-city" / "datapackage.json"
    descriptor = json.loads(descriptor_file.read_text(encoding="utf-8"))
    descriptor["resources"][0]["map"] = {"measure": "pagu"}
    descriptor_file.write_text(json.dumps(descriptor), encoding="utf-8")
    report = publish(datasets, ROOT / "metadata", tmp_path / "build")
    issue = next(i for i in report.all_issues() if i.code == "portal-map")
    assert issue.field == "resources[0].map" and "foreign key" in issue.message


def test_the_publish_command_names_the_file_and_property_in_both_languages(tmp_path):
    report, _ = publish_facilities(tmp_path, {"measure": "jenis_fasilitas"})
    assert not report.ok
    datasets = tmp_path / "datasets"
    for language, words in (("id", "kolom angka tabel ini: jumlah"), ("en", "numeric columns of this table: jumlah")):
        result = CliRunner().invoke(cli, ["publish", "--datasets", str(datasets), "--metadata", str(ROOT / "metadata"),
                                          "--build", str(tmp_path / f"build-{language}"), "--lang", language])
        assert result.exit_code == 1, result.output
        assert f"{FACILITIES[0]}/datapackage.json" in result.output and "resources[0].map.measure" in result.output
        assert words in result.output and "Traceback" not in result.output


def test_without_outlines_the_values_still_show_as_a_table(app):
    """The fixture portal's wilayah.geojson holds only the city: no kelurahan to draw, the table stays."""
    html = app.test_client().get("/dataset/layanan-mini").get_data(as_text=True)
    figure = html[html.index('<figure class="map-figure choropleth-figure"'):]
    figure = figure[:figure.index("</figure>") + 9]
    assert "<svg" not in figure and "interactive-map" not in figure
    assert figure.count('<tr data-code="35.73.') >= 2 and "Nilai per kelurahan" in figure
