"""A resource's declared encoding, as publishers' tools write it: publish reads UTF-8 only, so a
declared Windows-1252 on a plain-ASCII file is fine, and any other byte is refused with the reason."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.cli import cli

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "tests" / "fixtures" / "excel" / "paket-format-tanggal-salah"


def package(datasets: Path, name: str, data: bytes, encoding: str | None) -> None:
    descriptor = json.loads((TEMPLATE / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["name"] = name
    resource = descriptor["resources"][0]
    resource.update(name=name.replace("-", "_"), path=f"data/{name.replace('-', '_')}.csv")
    resource["schema"]["fields"] = [{"name": "nama", "type": "string", "title": "Nama", "description": "Nama"}]
    resource.pop("encoding")
    if encoding:
        resource["encoding"] = encoding
    (datasets / name / "data").mkdir(parents=True)
    (datasets / name / resource["path"]).write_bytes(data)
    (datasets / name / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


@pytest.fixture()
def checked(tmp_path):
    datasets = tmp_path / "datasets"
    datasets.mkdir()
    shutil.copytree(ROOT / "datasets" / "kode-wilayah-indonesia", datasets / "kode-wilayah-indonesia")
    package(datasets, "ascii-cp1252", b"nama\nbanjir\n", "windows-1252")
    package(datasets, "ascii-latin1", b"nama\nbanjir\n", "ISO-8859-1")
    package(datasets, "latin-declared", "nama\nbanj\xedr\n".encode("cp1252"), "windows-1252")
    package(datasets, "latin-undeclared", "nama\nbanj\xedr\n".encode("cp1252"), None)
    package(datasets, "unknown-encoding", b"nama\nbanjir\n", "klingon-8")
    result = CliRunner().invoke(cli, ["check", "--datasets", str(datasets), "--metadata", str(ROOT / "metadata"),
                                      "--json"], catch_exceptions=False)
    return json.loads(result.output)["datasets"]


def test_a_declared_encoding_on_plain_ascii_is_accepted(checked):
    assert checked["ascii-cp1252"] == {"valid": True, "issues": []}
    assert checked["ascii-latin1"] == {"valid": True, "issues": []}


def test_non_ascii_bytes_are_refused_with_the_declared_encoding_named(checked):
    (issue,) = checked["latin-declared"]["issues"]
    assert (issue["code"], issue["row"]) == ("portal-encoding", 2)
    assert "windows-1252" in issue["message"] and "bukan ASCII" in issue["message"] and "portal new" in issue["message"]
    assert "declares encoding windows-1252" in issue["message_en"]
    (issue,) = checked["latin-undeclared"]["issues"]
    assert (issue["code"], issue["row"]) == ("portal-encoding", 2) and "not UTF-8" in issue["message_en"]


def test_an_unknown_encoding_is_named(checked):
    (issue,) = checked["unknown-encoding"]["issues"]
    assert issue["code"] == "portal-encoding" and "klingon-8" in issue["message"]
    assert issue["field"] == "resources[0].encoding"
