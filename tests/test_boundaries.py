"""The boundaries reference package (datasets/batas-wilayah-kota-malang): its outlines checked at publish with
errors naming file, feature and property, and downloaded as GeoJSON and GeoParquet that GIS tools read."""

from __future__ import annotations

import importlib.util
import json
import shutil
import zipfile

import frictionless
import pyarrow.parquet as pq
import pytest
import shapely
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import shape

from portal import create_app
from portal.catalog import Catalog
from portal.cli import cli
from portal.publish import publish
from portal.publish.discover import discover
from portal.publish.geometry import CHECK
from portal.publish.metadata import load_metadata
from portal.publish.validate import validate

from . import duckdb_support
from .conftest import ROOT

NAME = "batas-wilayah-kota-malang"
PACKAGE = ROOT / "datasets" / NAME
REFERENCE = ROOT / "datasets" / "kode-wilayah-indonesia"
KELURAHAN = "data/kota_malang_kelurahan.geojson"
# Invalid in the source (islets nested inside another polygon of the same MultiPolygon): repaired for downloads.
INVALID_IN_SOURCE = ["35.01", "35.03", "35.05", "35.07", "35.09", "35.10", "35.25", "35.29"]


def source_features(file: str) -> list[dict]:
    return json.loads((PACKAGE / file).read_text(encoding="utf-8"))["features"]


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    datasets = tmp_path_factory.mktemp("datasets")
    for package in (PACKAGE, REFERENCE):
        shutil.copytree(package, datasets / package.name)
    build = tmp_path_factory.mktemp("build")
    report = publish(datasets, ROOT / "metadata", build)
    assert report.ok, report.all_issues()
    return build, report


@pytest.fixture(scope="module")
def catalog(build):
    return Catalog.load(build[0] / "current" / "catalog.json")


@pytest.fixture(scope="module")
def client(build):
    return create_app({"BUILD_DIR": str(build[0]), "TESTING": True, "BASE_URL": "http://localhost"}).test_client()


def downloaded(build, file_name: str):
    return build[0] / "current" / "downloads" / NAME / file_name


def test_the_package_publishes_and_says_which_source_geometries_it_repaired(build, catalog):
    outcome = build[1].outcome(NAME)
    assert outcome.status == "published" and outcome.rows == 57 + 5 + 1 + 38
    repaired = [i for i in outcome.issues if i.code == "portal-geometry-repaired"]
    assert [i.cell for i in repaired] == INVALID_IN_SOURCE  # warnings: the package is still valid
    assert all(i.file.endswith("data/jawa_timur_kabkota.geojson") and i.field.endswith("].geometry") for i in repaired)
    assert "Nested shells" in repaired[-1].message and repaired[-1].field == "features[28].geometry"  # 35.29 Sumenep
    assert [i for i in outcome.issues if i.code != "portal-geometry-repaired"] == []
    assert CHECK in catalog.dataset(NAME).validation.checks


@pytest.mark.parametrize("table, geojson, count", [
    ("batas_kelurahan_kota_malang", KELURAHAN, 57),
    ("batas_kecamatan_kota_malang", "data/kota_malang_kecamatan.geojson", 5),
    ("batas_kota_malang", "data/kota_malang_batas_kota.geojson", 1),
    ("batas_kabupaten_kota_jawa_timur", "data/jawa_timur_kabkota.geojson", 38),
])
def test_geoparquet_reads_in_duckdb_and_pyarrow_with_the_outlines(build, table, geojson, count):
    path = downloaded(build, f"{table}.parquet")
    metadata = json.loads(pq.read_schema(path).metadata[b"geo"])
    assert metadata["version"] == "1.1.0" and metadata["primary_column"] == "geometry"
    assert metadata["columns"]["geometry"]["encoding"] == "WKB" and "crs" not in metadata["columns"]["geometry"]
    west, south, east, north = metadata["columns"]["geometry"]["bbox"]
    assert 110 < west < east < 117 and -9 < south < north < -5  # longitude first: Jawa Timur
    # DuckDB with its spatial extension reads the 'geo' metadata: the column is a geometry, not a blob
    duck = duckdb_support.connect()
    duck.sql("LOAD spatial")
    rows = duck.sql(f"select kode, nama, typeof(geometry), ST_AsWKB(geometry) from '{path}' order by kode").fetchall()
    assert len(rows) == count and {row[2] for row in rows} == {"GEOMETRY"}
    source = {f["properties"]["kode"]: shape(f["geometry"]) for f in source_features(geojson)}
    for code, name, _, wkb in rows:
        outline = shapely.from_wkb(wkb)
        assert outline.is_valid and outline.geom_type in ("Polygon", "MultiPolygon")
        if source[code].is_valid:
            assert outline.equals_exact(source[code], 0), code  # unchanged, bit for bit
        else:  # repaired: same area within 0.01 % (as the caveat says)
            assert abs(outline.area - source[code].area) / source[code].area < 1e-4, code
    table_read = pq.read_table(path)
    assert table_read.column_names[:2] == ["kode", "nama"] and table_read.column_names[-1] == "geometry"
    assert str(table_read.schema.field("luas_km2_dihitung").type) == "double"
    assert str(table_read.schema.field("geometri_valid_di_sumber").type) == "bool"


def test_geojson_download_has_the_outline_and_every_column(build):
    collection = json.loads(downloaded(build, "batas_kelurahan_kota_malang.geojson").read_text(encoding="utf-8"))
    features = collection["features"]
    assert collection["type"] == "FeatureCollection" and len(features) == 57
    first = features[0]["properties"]
    assert (first["kode"], first["nama"], first["nama_kecamatan"]) == ("35.73.01.1001", "Balearjosari", "Blimbing")
    assert first["geometri_valid_di_sumber"] is True and isinstance(first["luas_km2_dihitung"], float)
    source = {f["properties"]["kode"]: f["geometry"] for f in source_features(KELURAHAN)}
    assert all(shape(f["geometry"]).equals_exact(shape(source[f["properties"]["kode"]]), 0) for f in features)
    jatim = json.loads(downloaded(build, "batas_kabupaten_kota_jawa_timur.geojson").read_text(encoding="utf-8"))
    assert all(shape(f["geometry"]).is_valid for f in jatim["features"])  # repaired, unlike the source file


def test_downloads_are_offered_on_the_page_ckan_and_dcat(client, catalog):
    resource = catalog.dataset(NAME).resource("batas_kelurahan_kota_malang")
    assert {"geojson", "parquet"} <= set(resource.downloads) and resource.geo is None  # outlines, not points
    page = client.get(f"/dataset/{NAME}").get_data(as_text=True)
    assert "/download/batas-wilayah-kota-malang/batas_kelurahan_kota_malang.parquet" in page
    assert "GeoParquet" in page and "penyusun tidak menyebutkan dari mana geometri ini berasal" in page
    english = client.get(f"/dataset/{NAME}?lang=en").get_data(as_text=True)
    assert "the compiler does not say where the geometry comes from" in english
    response = client.get("/download/batas-wilayah-kota-malang/batas_kelurahan_kota_malang.parquet")
    assert response.status_code == 200 and response.mimetype == "application/vnd.apache.parquet"
    assert response.headers["X-Content-SHA256"] == resource.downloads["parquet"].sha256
    package = client.get(f"/api/3/action/package_show?id={NAME}").get_json()["result"]
    assert any(r["format"] == "GeoParquet" and r["url"].endswith("batas_kelurahan_kota_malang.parquet")
               for r in package["resources"])
    turtle = client.get(f"/dataset/{NAME}.ttl").get_data(as_text=True)
    assert "file-type/PARQUET" in turtle and "application/vnd.apache.parquet" in turtle
    sums = client.get(f"/download/{NAME}/SHA256SUMS").get_data(as_text=True)
    assert f"{resource.downloads['parquet'].sha256}  batas_kelurahan_kota_malang.parquet" in sums


def test_the_zip_is_a_valid_package_with_the_outlines_as_resources_and_the_mit_notice(build, tmp_path):
    with zipfile.ZipFile(downloaded(build, "").parent / f"{NAME}.zip") as archive:
        names = set(archive.namelist())
        assert "LICENSE-wilayah-boundaries-cahyadsn-MIT.txt" in names
        assert "Copyright (c) 2024 Cahya DSN" in archive.read("LICENSE-wilayah-boundaries-cahyadsn-MIT.txt").decode()
        assert archive.read(KELURAHAN) == (PACKAGE / KELURAHAN).read_bytes()  # verbatim: its sha256 is recorded
        assert "`data/kota_malang_kelurahan.geojson`" in archive.read("README.md").decode()
        archive.extractall(tmp_path)
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    outlines = [r for r in descriptor["resources"] if r.get("format") == "geojson"]
    assert [r["path"] for r in outlines] == [r["geometry"]["path"] for r in descriptor["resources"][:4]]
    assert all(r["mediatype"] == "application/geo+json" and r["hash"].startswith("sha256:") for r in outlines)
    report = frictionless.Package(str(tmp_path / "datapackage.json")).validate()  # hashes of the GeoJSON too
    assert report.valid, report.flatten(["type", "message"])
    assert len(report.tasks) == 8


# --- bad outlines: clear errors naming file, feature and property ------------------------------------------------

@pytest.fixture(scope="module")
def metadata():
    found, problems = load_metadata(ROOT / "metadata")
    assert problems == []
    return found


def broken_copy(tmp_path, change_features=None, change_descriptor=None):
    """The package (its kelurahan table only) beside the reference package, with the kelurahan outlines
    changed; without the recorded hash, so the outlines are checked and not just found changed."""
    datasets = tmp_path / "datasets"
    shutil.copytree(REFERENCE, datasets / REFERENCE.name)
    folder = datasets / NAME
    shutil.copytree(PACKAGE, folder)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = descriptor["resources"][:1]
    del descriptor["resources"][0]["geometry"]["hash"]
    if change_descriptor:
        change_descriptor(descriptor["resources"][0])
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    if change_features:
        collection = json.loads((folder / KELURAHAN).read_text(encoding="utf-8"))
        change_features(collection["features"])
        (folder / KELURAHAN).write_text(json.dumps(collection), encoding="utf-8")
    return datasets


def issues_of(datasets, metadata):
    return validate(discover(datasets), metadata)[NAME].issues


def bowtie(features):
    features[0]["geometry"] = {"type": "Polygon", "coordinates": [[[112.6, -7.9], [112.7, -8.0], [112.7, -7.9],
                                                                   [112.6, -8.0], [112.6, -7.9]]]}


def swap(features):
    ring = features[2]["geometry"]["coordinates"][0]
    features[2]["geometry"]["coordinates"][0] = [[lat, lon] for lon, lat in ring]


def unknown_code(features):
    features[3]["properties"]["kode"] = "35.73.09.9999"


def point(features):
    features[1]["geometry"] = {"type": "Point", "coordinates": [112.6, -7.9]}


@pytest.mark.parametrize("change, code, file, field, words", [
    (bowtie, "portal-geometry-invalid", KELURAHAN, "features[0].geometry", "Self-intersection"),
    (swap, "portal-geometry", KELURAHAN, "features[2].geometry.coordinates", "lintang dan bujur tertukar"),
    (unknown_code, "portal-geometry-code", KELURAHAN, "features[3].properties.kode", "35.73.09.9999"),
    (point, "portal-geometry", KELURAHAN, "features[1].geometry", "Polygon atau MultiPolygon (bukan Point)"),
], ids=["invalid", "swapped", "unknown-code", "point"])
def test_bad_outlines_are_errors_at_the_feature(tmp_path, metadata, change, code, file, field, words):
    datasets = broken_copy(tmp_path, change)
    found = issues_of(datasets, metadata)
    matching = [i for i in found if i.code == code and i.field == field]
    assert matching and matching[0].file == str(datasets / NAME / file), found
    from portal.messages import issue_text
    assert words in issue_text(matching[0], "id")


def test_a_code_without_outline_names_the_table_row(tmp_path, metadata):
    found = issues_of(broken_copy(tmp_path, unknown_code), metadata)
    (missing,) = [i for i in found if i.code == "portal-geometry-code" and i.row is not None]
    # features[3] was Arjosari's neighbour 35.73.01.1004: row 5 of the CSV (header = 1)
    assert missing.file.endswith("data/batas_kelurahan_kota_malang.csv") and missing.row == 5
    assert missing.field == "kode" and missing.cell == "35.73.01.1004"


def test_repair_declared_turns_an_invalid_outline_into_a_warning(tmp_path, metadata):
    datasets = broken_copy(tmp_path, bowtie, lambda resource: resource["geometry"].update(repair=True))
    found = issues_of(datasets, metadata)
    assert [i.code for i in found] == ["portal-geometry-repaired"] and found[0].cell == "35.73.01.1001"


def test_a_changed_file_is_caught_by_its_recorded_hash(tmp_path, metadata):
    datasets = broken_copy(tmp_path, swap, lambda resource: resource["geometry"].update(hash="sha256:" + "0" * 64))
    (found,) = issues_of(datasets, metadata)
    assert found.code == "portal-geometry" and "geometry.hash" in found.message and found.file.endswith(KELURAHAN)


def test_the_geometry_property_is_checked_before_anything_is_read(tmp_path, metadata):
    datasets = broken_copy(tmp_path, change_descriptor=lambda resource: resource["geometry"].update(
        path="../../etc/passwd", key="kode_tidak_ada"))
    found = {(i.code, i.field) for i in issues_of(datasets, metadata)}
    assert ("portal-unsafe-path", "resources[0].geometry.path") in found
    assert ("portal-geometry", "resources[0].geometry.key") in found


def test_the_command_line_says_it_in_indonesian_and_in_english(tmp_path):
    datasets = broken_copy(tmp_path, bowtie)
    options = ["check", "--datasets", str(datasets), "--metadata", str(ROOT / "metadata")]
    indonesian = CliRunner().invoke(cli, options)
    assert indonesian.exit_code == 1 and "Traceback" not in indonesian.output
    assert "geometri 35.73.01.1001 tidak valid menurut shapely" in indonesian.output
    assert "kota_malang_kelurahan.geojson" in indonesian.output and "features[0].geometry" in indonesian.output
    english = CliRunner().invoke(cli, options + ["--lang", "en"])
    assert english.exit_code == 1 and "geometry 35.73.01.1001 is not valid according to shapely" in english.output
    answer = json.loads(CliRunner().invoke(cli, options + ["--json"]).output)
    (problem,) = [i for i in answer["datasets"][NAME]["issues"] if i["code"] == "portal-geometry-invalid"]
    assert problem["field"] == "features[0].geometry" and problem["hint"]


def test_tables_and_the_place_reference_are_derived_from_the_package_s_outlines():
    """One source: the package's GeoJSON files. Its CSV tables and metadata/wilayah.geojson (catalog.places:
    maps, place pages, DCAT/CKAN spatial) are what build_tables.py writes from them, byte for byte."""
    spec = importlib.util.spec_from_file_location("build_tables", PACKAGE / "build_tables.py")
    build_tables = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_tables)
    for table in build_tables.TABLES:
        assert build_tables.table_text(table) == (PACKAGE / "data" / f"{table}.csv").read_text(encoding="utf-8"), table
    places = (ROOT / "metadata" / "wilayah.geojson").read_text(encoding="utf-8")
    assert build_tables.places_text() == places
    codes = [f["properties"]["kode"] for f in json.loads(places)["features"]]
    assert len(codes) == 1 + 5 + 57 and codes[0] == "35.73"


def test_a_code_unknown_to_the_kode_wilayah_tables_is_refused_even_when_table_and_outline_agree(tmp_path, metadata):
    datasets = broken_copy(tmp_path, unknown_code)
    table = datasets / NAME / "data" / "batas_kelurahan_kota_malang.csv"
    table.write_text(table.read_text(encoding="utf-8").replace("35.73.01.1004,", "35.73.09.9999,"), encoding="utf-8")
    found = issues_of(datasets, metadata)
    assert not [i for i in found if i.code.startswith("portal-geometry")]  # the outline matches its row
    (unknown,) = [i for i in found if i.code == "foreign-key"]  # but the row's code is not a kelurahan
    assert unknown.file.endswith("batas_kelurahan_kota_malang.csv") and unknown.row == 5
    assert "35.73.09.9999" in unknown.message


def test_an_unreadable_or_missing_geometry_file_is_named(tmp_path, metadata):
    datasets = broken_copy(tmp_path)
    (datasets / NAME / KELURAHAN).write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    (found,) = issues_of(datasets, metadata)
    assert found.code == "portal-geometry" and found.file.endswith(KELURAHAN) and "JSON" in found.message
    (datasets / NAME / KELURAHAN).write_text("[" * 200_000, encoding="utf-8")  # deeper than Python's stack
    (found,) = issues_of(datasets, metadata)
    assert found.code == "portal-geometry" and "JSON" in found.message
    (datasets / NAME / KELURAHAN).unlink()
    (found,) = issues_of(datasets, metadata)
    assert found.code == "portal-geometry" and "missing" in found.message


def test_provenance_records_the_sha256_of_the_verbatim_files():
    import hashlib

    lines = (PACKAGE / "PROVENANCE.md").read_text(encoding="utf-8").split("## sha256", 1)[1].split()
    recorded = dict(zip(lines[1::2], lines[0::2]))
    descriptor = json.loads((PACKAGE / "datapackage.json").read_text(encoding="utf-8"))
    assert sorted(recorded) == sorted([r["geometry"]["path"] for r in descriptor["resources"]]
                                      + ["LICENSE-wilayah-boundaries-cahyadsn-MIT.txt"])
    for path, digest in recorded.items():
        assert hashlib.sha256((PACKAGE / path).read_bytes()).hexdigest() == digest, path
    assert all(r["geometry"]["hash"] == "sha256:" + recorded[r["geometry"]["path"]] for r in descriptor["resources"])
    assert "3c5a7960f4d227a38489094d84252bdbb3f978a5" in descriptor["metodologi"]


SCALAR = st.none() | st.booleans() | st.integers(-200, 200) | st.floats(allow_nan=True) | st.text(max_size=3)
JSON = st.recursive(SCALAR,
                    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
                    max_leaves=30)
RING = st.lists(st.lists(st.floats(-200, 200) | st.integers(-200, 200) | st.none(), min_size=0, max_size=3),
                min_size=0, max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.one_of(JSON, st.fixed_dictionaries({"type": st.sampled_from(["Polygon", "MultiPolygon"]),
                                              "coordinates": st.lists(RING, max_size=3)
                                              | st.lists(st.lists(RING, max_size=2), max_size=2)})))
def test_any_geometry_member_is_an_outline_or_an_error_never_an_exception(geometry):
    from portal.publish.geometry import checked_geometry

    for repair in (False, True):
        found, problems = checked_geometry("x.geojson", "features[0]", "35.73", geometry, repair)
        assert (found is None) == any(p.code != "portal-geometry-repaired" for p in problems)
        assert all(p.field.startswith("features[0].geometry") and p.file == "x.geojson" for p in problems)
        if found is not None:
            assert found.is_valid and found.geom_type in ("Polygon", "MultiPolygon")
