import hashlib
import io
import json
import zipfile

from portal.releases import current_release_id, releases_dir

from .conftest import FIXTURE_DATASETS


def manifest(build):
    return json.loads((releases_dir(build) / current_release_id(build) / "manifest.json").read_text())["files"]


def test_csv_download_is_the_exact_validated_bytes(client, published_build):
    response = client.get("/download/layanan-mini/pengaduan_mini.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "pengaduan_mini.csv" in response.headers["content-disposition"]
    source = (FIXTURE_DATASETS / "layanan-mini" / "data" / "pengaduan_mini.csv").read_bytes()
    assert response.data == source
    digest = hashlib.sha256(response.data).hexdigest()
    assert manifest(published_build)["files/layanan-mini/data/pengaduan_mini.csv"]["sha256"] == digest
    assert response.headers["X-Content-SHA256"] == digest


def test_zip_holds_the_descriptor_and_data_files(client, published_build):
    response = client.get("/download/wilayah-mini.zip")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    # datapackage.json at the root: `frictionless validate wilayah-mini.zip` reads the package
    assert sorted(archive.namelist()) == ["README.md", "data/kecamatan_mini.csv", "data/kelurahan_mini.csv",
                                          "datapackage.json"]
    readme = archive.read("README.md").decode()
    assert readme.startswith("# Wilayah mini") and "## Lisensi / Licence" in readme and "MIT License" in readme
    assert archive.read("data/kelurahan_mini.csv") == \
        (FIXTURE_DATASETS / "wilayah-mini" / "data" / "kelurahan_mini.csv").read_bytes()
    assert manifest(published_build)["downloads/wilayah-mini.zip"]["sha256"] == hashlib.sha256(response.data).hexdigest()


def test_whole_database_and_release_checksums(client, published_build):
    response = client.get("/download/portal.db")
    assert response.data[:16] == b"SQLite format 3\x00"
    assert manifest(published_build)["portal.db"]["sha256"] == hashlib.sha256(response.data).hexdigest()
    sums = client.get("/download/release/SHA256SUMS").get_data(as_text=True)
    assert f"{manifest(published_build)['portal.db']['sha256']}  portal.db" in sums.splitlines()


def test_downloads_accept_only_catalogued_names(client):
    for url in ("/download/nope/x.csv", "/download/wilayah-mini/nope.csv", "/download/nope.zip",
                "/download/release/portal.db", "/download/wilayah-mini/..%2F..%2Fcatalog.csv"):
        assert client.get(url).status_code == 404, url


def test_conditional_request_is_304(client):
    first = client.get("/download/wilayah-mini/kecamatan_mini.csv")
    again = client.get("/download/wilayah-mini/kecamatan_mini.csv", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_downloads_of_an_older_layout_are_rebuilt_not_reused(tmp_path, monkeypatch):
    """An unchanged dataset reuses the live release's download files, unless they were built in an
    older layout (downloads/LAYOUT): then they are built again, here as a zip with its root descriptor."""
    from portal.publish import downloads, publish, release

    from .conftest import FIXTURE_DATASETS, FIXTURE_METADATA, copy_datasets

    def folder_zip(folder, zip_path, extra=None):  # what layout 1 wrote: entries inside <dataset>/
        release.write_zip(folder, zip_path, extra)
        entries = zipfile.ZipFile(zip_path)
        contents = {name: entries.read(name) for name in entries.namelist()}
        with zipfile.ZipFile(zip_path, "w") as rewritten:
            for name, content in contents.items():
                rewritten.writestr(f"{folder.name}/{name}", content)

    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    build = tmp_path / "build"
    with monkeypatch.context() as patch:
        patch.setattr(downloads, "write_zip", folder_zip)
        patch.setattr(downloads, "LAYOUT", "1")
        publish(datasets, FIXTURE_METADATA, build)
    live = (build / "current").resolve()
    assert "wilayah-mini/datapackage.json" in zipfile.ZipFile(live / "downloads/wilayah-mini.zip").namelist()
    publish(datasets, FIXTURE_METADATA, build)  # nothing changed, but the layout did
    current = (build / "current").resolve()
    assert current != live and "datapackage.json" in zipfile.ZipFile(current / "downloads/wilayah-mini.zip").namelist()
