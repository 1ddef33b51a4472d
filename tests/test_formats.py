"""Every format of every table, verified the way a university would: open it, compare, validate."""

import hashlib
import io
import json
import zipfile

import frictionless
import openpyxl

from portal.publish import downloads

from .conftest import FIXTURE_DATASETS

BOM = b"\xef\xbb\xbf"


def manifest(client):
    return json.loads(client.get("/download/release/manifest.json").data)["files"]


def test_csv_for_excel_is_the_original_with_a_bom(client):
    original = (FIXTURE_DATASETS / "layanan-mini" / "data" / "pengaduan_mini.csv").read_bytes()
    response = client.get("/download/layanan-mini/pengaduan_mini.excel.csv")
    assert response.status_code == 200 and response.data == BOM + original


def test_xlsx_has_data_dictionary_and_metadata_sheets(client):
    book = openpyxl.load_workbook(io.BytesIO(client.get("/download/layanan-mini/pengaduan_mini.xlsx").data))
    assert book.sheetnames == ["data", "kamus_data", "metadata"]
    rows = list(book["data"].values)
    assert rows[0] == ("id", "tanggal", "kode_kelurahan", "biaya", "selesai")
    assert rows[1] == (1, "2024-01-02", "35.73.01.1001", 1500.5, 1) and rows[2][3] is None and len(rows) == 6
    dictionary = {row[0]: row for row in book["kamus_data"].values}
    assert dictionary["biaya"][1:5] == ("number", "Biaya", "Biaya penanganan", "rupiah")
    metadata = dict(book["metadata"].values)
    assert metadata["title"] == "Layanan mini (Data sampel sintetis)" and metadata["tabel"] == "pengaduan_mini"


def test_json_rows_are_typed(client):
    rows = json.loads(client.get("/download/wilayah-mini/kelurahan_mini.json").data)
    assert rows[0] == {"kode": "35.73.01.1001", "nama": "Balearjosari", "kode_kecamatan": "35.73.01"}
    layanan = json.loads(client.get("/download/layanan-mini/pengaduan_mini.json").data)
    assert layanan[1]["biaya"] is None and layanan[0]["biaya"] == 1500.5


def test_every_format_matches_the_manifest_and_has_http_metadata(client):
    files = manifest(client)
    for name in ("kecamatan_mini.csv", "kecamatan_mini.excel.csv", "kecamatan_mini.xlsx", "kecamatan_mini.json"):
        response = client.get(f"/download/wilayah-mini/{name}")
        entry = next(v for k, v in files.items() if k.endswith(f"wilayah-mini/{name}") or k.endswith(f"data/{name}"))
        assert hashlib.sha256(response.data).hexdigest() == entry["sha256"], name
        assert int(response.headers["Content-Length"]) == entry["bytes"]
        assert response.headers["ETag"] and response.headers["Last-Modified"]
        assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_range_and_conditional_requests(client):
    full = client.get("/download/wilayah-mini/kelurahan_mini.csv")
    part = client.get("/download/wilayah-mini/kelurahan_mini.csv", headers={"Range": "bytes=5-14"})
    assert part.status_code == 206 and part.data == full.data[5:15]
    assert part.headers["Content-Range"] == f"bytes 5-14/{len(full.data)}"
    again = client.get("/download/wilayah-mini/kelurahan_mini.csv", headers={"If-None-Match": full.headers["ETag"]})
    assert again.status_code == 304


def test_versioned_urls_for_every_format(client):
    for name in ("pengaduan_mini.csv", "pengaduan_mini.excel.csv", "pengaduan_mini.xlsx", "pengaduan_mini.json",
                 "pengaduan_mini.parquet"):
        latest = client.get(f"/download/layanan-mini/{name}")
        versioned = client.get(f"/download/layanan-mini/v1/{name}")
        assert versioned.status_code == 200 and versioned.data == latest.data, name
    assert client.get("/download/layanan-mini/v1/pengaduan_mini.geojson").status_code == 404  # no coordinates


def test_downloaded_zip_validates_as_a_package(client, tmp_path):
    for dataset in ("wilayah-mini", "layanan-mini"):
        zipfile.ZipFile(io.BytesIO(client.get(f"/download/{dataset}.zip").data)).extractall(tmp_path / dataset)
        report = frictionless.validate(str(tmp_path / dataset / "datapackage.json"))
        assert report.valid, report.flatten(["type", "message"])
    descriptor = json.loads((tmp_path / "layanan-mini" / "datapackage.json").read_text())
    schema = descriptor["resources"][0]["schema"]
    assert schema["foreignKeys"] == [] and schema["x-portal-foreignKeys"][0]["reference"]["package"] == "wilayah-mini"
    assert (tmp_path / "layanan-mini" / "README.md").read_text().startswith("# Layanan mini")


def test_large_tables_get_no_xlsx(tmp_path, monkeypatch):
    from portal import create_app
    from portal.publish import downloads, publish

    from .html import links, parse

    monkeypatch.setattr(downloads, "XLSX_BUILD_MAX_ROWS", 3)  # the fixture tables have 2, 3 and 5 rows
    publish(FIXTURE_DATASETS, FIXTURE_DATASETS.parent / "metadata", tmp_path)
    client = create_app({"BUILD_DIR": str(tmp_path)}).test_client()
    assert client.get("/download/layanan-mini/pengaduan_mini.xlsx").status_code == 404
    assert client.get("/download/layanan-mini/pengaduan_mini.excel.csv").status_code == 200
    assert client.get("/download/wilayah-mini/kecamatan_mini.xlsx").status_code == 200
    assert "/download/layanan-mini/pengaduan_mini.xlsx" not in links(parse(client.get("/dataset/layanan-mini")))


def test_xlsx_written_by_worker_processes_equal_those_written_in_process(published_build, tmp_path, monkeypatch):
    live = published_build / "current"
    descriptors = {name: json.loads((live / "files" / name / "datapackage.json").read_text())
                   for name in ("layanan-mini", "wilayah-mini")}
    jobs = {mode: [downloads.XlsxJob(live / "portal.db", d, r, tmp_path / mode / f"{r['name']}.xlsx", 5)
                   for d in descriptors.values() for r in d["resources"]] for mode in ("workers", "inline")}
    for mode, minimum in (("workers", 0), ("inline", 10 ** 9)):
        (tmp_path / mode).mkdir()
        monkeypatch.setattr(downloads, "XLSX_PARALLEL_MIN_ROWS", minimum)
        downloads.write_xlsx_files(jobs[mode])

    def sheets(path):
        book = openpyxl.load_workbook(path)
        return {name: list(book[name].values) for name in book.sheetnames}

    assert len(jobs["workers"]) == 3
    for made, expected in zip(jobs["workers"], jobs["inline"]):
        assert sheets(made.path) == sheets(expected.path)
