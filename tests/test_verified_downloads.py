"""Downloads that verify themselves, checked with the tools a user has: files saved under the names
the portal gives them pass `sha256sum -c` with the dataset's and the release's SHA256SUMS, a
downloaded zip passes `frictionless validate`, and compression (gzip when asked) keeps bytes, ranges,
ETags and Datasette's CSP hashes intact. Against a real `portal serve`."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from .servers import portal_server

DATASETS = ["layanan-mini", "wilayah-mini"]


@pytest.fixture(scope="module")
def base(published_build):
    with portal_server(published_build, workers=1) as url:
        yield url


@pytest.fixture(scope="module")
def bundled(bundled_build):
    """The bundled datasets: files large enough to be worth compressing."""
    with portal_server(bundled_build, workers=1) as url:
        yield url


def saved_name(response: httpx.Response) -> str:
    """The name a browser saves a download under (Content-Disposition)."""
    return re.search(r'filename="?([^";]+)"?', response.headers["content-disposition"]).group(1)


@pytest.mark.parametrize("dataset", DATASETS)
def test_dataset_checksums_verify_a_folder_of_downloads(base, dataset, tmp_path):
    sums = httpx.get(f"{base}/download/{dataset}/SHA256SUMS")
    assert sums.status_code == 200 and sums.headers["content-type"].startswith("text/plain")
    listed = [line.split("  ", 1)[1] for line in sums.text.splitlines()]
    assert f"{dataset}.zip" in listed and "datapackage.json" in listed and any(n.endswith(".xlsx") for n in listed)
    for name in listed:
        url = f"{base}/download/{dataset}.zip" if name == f"{dataset}.zip" else f"{base}/download/{dataset}/{name}"
        response = httpx.get(url)
        assert response.status_code == 200 and saved_name(response) == name == url.rsplit("/", 1)[1]
        (tmp_path / name).write_bytes(response.content)
    (tmp_path / "SHA256SUMS").write_bytes(sums.content)
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout.count(": OK") == len(listed), check.stdout + check.stderr
    (tmp_path / listed[0]).write_bytes(b"tampered")
    assert subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=tmp_path, capture_output=True).returncode == 1


def test_release_checksums_verify_a_mirror_of_downloads(base, tmp_path):
    sums = httpx.get(f"{base}/download/release/SHA256SUMS")
    listed = [line.split("  ", 1)[1] for line in sums.text.splitlines()]
    assert "portal.db" in listed and {f"{d}.zip" for d in DATASETS} <= set(listed)
    for path in listed:
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(httpx.get(f"{base}/download/{path}").content)
    (tmp_path / "SHA256SUMS").write_bytes(sums.content)
    check = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=tmp_path, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize("dataset", DATASETS)
def test_downloaded_zip_validates_with_the_frictionless_cli(base, dataset, tmp_path):
    archive = tmp_path / f"{dataset}.zip"
    archive.write_bytes(httpx.get(f"{base}/download/{dataset}.zip").content)
    frictionless = shutil.which("frictionless") or str(Path(sys.executable).parent / "frictionless")
    result = subprocess.run([frictionless, "validate", str(archive)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "invalid" not in result.stdout.lower()


@pytest.mark.parametrize("path", ["/", "/dataset/sampel-hotspot-wifi", "/api/3/action/package_search", "/catalog.ttl",
                                  "/download/sampel-hotspot-wifi/sampel_hotspot_wifi.csv",
                                  "/download/sampel-hotspot-wifi/sampel_hotspot_wifi.geojson",
                                  "/sql/portal.json?sql=select+*+from+kabupaten_kota", "/sql/portal/kabupaten_kota.csv"])
def test_text_is_compressed_when_asked(bundled, path):
    plain = httpx.get(bundled + path, headers={"Accept-Encoding": "identity"})
    packed = httpx.get(bundled + path, headers={"Accept-Encoding": "gzip, br"})
    assert plain.status_code == packed.status_code == 200
    assert packed.headers["content-encoding"] == "gzip" and "content-encoding" not in plain.headers
    assert "accept-encoding" in packed.headers["vary"].lower() and "accept-encoding" in plain.headers["vary"].lower()
    # httpx undid the gzip: the same bytes (Datasette's JSON says how long the query took: left out)
    assert re.sub(rb'"query_ms": [\d.e-]+', b"", packed.content) == re.sub(rb'"query_ms": [\d.e-]+', b"", plain.content)
    with httpx.stream("GET", bundled + path, headers={"Accept-Encoding": "gzip"}) as stream:
        sent = b"".join(stream.iter_raw())
    assert len(sent) < len(plain.content) * 0.6 and gzip.decompress(sent)[:100] == plain.content[:100]


def test_compression_keeps_etags_ranges_and_head(bundled):
    url = f"{bundled}/download/sampel-hotspot-wifi/sampel_hotspot_wifi.csv"
    full = httpx.get(url, headers={"Accept-Encoding": "identity"})
    packed = httpx.get(url, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip" and packed.headers["etag"] == "W/" + full.headers["etag"]
    again = httpx.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["etag"]})
    assert again.status_code == 304
    assert httpx.get(url, headers={"If-None-Match": full.headers["etag"]}).status_code == 304
    part = httpx.get(url, headers={"Accept-Encoding": "gzip", "Range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == full.content[10:20] and "content-encoding" not in part.headers
    head = httpx.head(url, headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in head.headers and head.headers["content-length"] == str(len(full.content))
    assert hashlib.sha256(packed.content).hexdigest() == full.headers["x-content-sha256"]


def test_compressed_datasette_pages_keep_their_csp_hashes(bundled):
    response = httpx.get(f"{bundled}/sql/portal/sampel_hotspot_wifi", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    scripts = re.findall(r"<script(?![^>]*\ssrc=)[^>]*>(.*?)</script>", response.text, re.S)
    allowed = set(re.findall(r"'sha256-([^']+)'", response.headers["content-security-policy"]))
    assert scripts and all(base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() in allowed for s in scripts)


def test_sql_json_is_readable_from_any_origin(base):
    response = httpx.get(f"{base}/sql/portal.json?sql=select+1+as+one", headers={"Origin": "https://example.org"})
    assert response.status_code == 200 and response.headers["access-control-allow-origin"] == "*"
    assert httpx.get(f"{base}/sql/portal/pengaduan_mini.json").headers["access-control-allow-origin"] == "*"
