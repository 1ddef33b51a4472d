"""Hostile data packages: publishing reads untrusted files.

Each case builds one package ("jahat") beside the good fixture packages, after a good release was
published. ``portal check`` and ``publish()`` must name the file (and row / field), give a specific
error code, never crash, never publish any of that package, never touch the live release's good
data, and never open a network connection (a listening socket stands in for any URL).
"""

from __future__ import annotations

import dataclasses
import gzip
import importlib
import io
import json
import os
import shutil
import socket
import sqlite3
import traceback
import zipfile
from pathlib import Path
from typing import Callable

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from portal import create_app
from portal.cli import cli
from portal.publish import publish
from portal.publish.console import print_report
from portal.releases import current_release_id, releases_dir

from .conftest import FIXTURE_DATASETS, FIXTURE_METADATA, copy_datasets

# The stage modules (portal.publish re-exports functions of the same names).
discover_stage = importlib.import_module("portal.publish.discover")
scan_stage = importlib.import_module("portal.publish.scan")

NAME = "jahat"
GOOD = ("layanan-mini", "wilayah-mini")
CSV = "kode,nilai,keterangan\r\na,1,satu\r\nb,2,dua\r\n"


def descriptor(**changes) -> dict:
    d = {
        "name": NAME, "title": "Paket uji", "description": "Paket untuk uji keamanan.",
        "publisher": "diskominfo", "author": "diskominfo", "maintainer": "diskominfo",
        "themes": ["governance"], "licenses": [{"name": "CC0-1.0"}], "sample": True,
        "accrualPeriodicity": "once", "accessRights": "terbuka",
        "resources": [{
            "name": "jahat_data", "path": "data/jahat.csv", "format": "csv",
            "schema": {"fields": [{"name": "kode", "type": "string"}, {"name": "nilai", "type": "integer"},
                                  {"name": "keterangan", "type": "string"}], "primaryKey": ["kode"]},
        }],
    }
    d.update(changes)
    return d


@dataclasses.dataclass
class Ctx:
    folder: Path  # the hostile package's folder
    url: str  # http://127.0.0.1:<port>: a listening socket that must never get a connection
    outside: Path  # a folder outside datasets/ holding a readable CSV
    monkeypatch: pytest.MonkeyPatch

    def write(self, d: dict | None = None, csv: str | bytes = CSV, path: str = "data/jahat.csv") -> None:
        (self.folder / "datapackage.json").write_text(json.dumps(descriptor() if d is None else d))
        target = self.folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(csv if isinstance(csv, bytes) else csv.encode("utf-8"))

    def resource(self, **changes) -> None:
        d = descriptor()
        d["resources"][0].update(changes)
        self.write(d)

    def field(self, index: int, **changes) -> None:
        d = descriptor()
        d["resources"][0]["schema"]["fields"][index].update(changes)
        self.write(d)


def declaring(**changes) -> dict:
    """The descriptor with its resource changed."""
    d = descriptor()
    d["resources"][0].update(changes)
    return d


@dataclasses.dataclass
class Case:
    id: str
    build: Callable[[Ctx], object]
    code: str
    file: str  # relative to the package folder
    row: int | None = None
    field: str | None = None
    words: str = ""  # in the message


def _yaml(ctx, text):
    ctx.write()
    (ctx.folder / "datapackage.json").unlink()
    (ctx.folder / "datapackage.yaml").write_text(text)


def _symlink_file(ctx):
    ctx.write()
    (ctx.folder / "data" / "jahat.csv").unlink()
    os.symlink(ctx.outside / "rahasia.csv", ctx.folder / "data" / "jahat.csv")


def _symlink_folder(ctx):
    ctx.write()
    shutil.rmtree(ctx.folder / "data")
    os.symlink(ctx.outside, ctx.folder / "data")
    ctx.resource(path="data/rahasia.csv")


def _fifo(ctx):
    ctx.write()
    (ctx.folder / "data" / "jahat.csv").unlink()
    os.mkfifo(ctx.folder / "data" / "jahat.csv")  # reading it would block forever


def _descriptor_symlink(ctx):
    ctx.write()
    (ctx.outside / "datapackage.json").write_text(json.dumps(descriptor()))
    (ctx.folder / "datapackage.json").unlink()
    os.symlink(ctx.outside / "datapackage.json", ctx.folder / "datapackage.json")


def _gz(ctx):
    ctx.write()
    d = descriptor()
    d["resources"][0]["path"] = "data/jahat.csv.gz"
    ctx.write(d, gzip.compress(CSV.encode()), path="data/jahat.csv.gz")


def _zip(ctx):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("jahat.csv", CSV)
    d = descriptor()
    d["resources"][0]["path"] = "data/jahat.zip"
    ctx.write(d, buffer.getvalue(), path="data/jahat.zip")


def _monkey(ctx, module, name, value, build):
    ctx.monkeypatch.setattr(module, name, value)
    build(ctx)


def _self_foreign_key(ctx):
    d = descriptor()
    schema = d["resources"][0]["schema"]
    schema["fields"].append({"name": "induk", "type": "string"})
    schema["foreignKeys"] = [{"fields": "induk", "reference": {"resource": "", "fields": "kode"}}]
    ctx.write(d, "kode,nilai,keterangan,induk\na,1,satu,\nb,2,dua,zz\n")


def _cross_foreign_key(ctx):
    d = descriptor()
    schema = d["resources"][0]["schema"]
    schema["fields"].append({"name": "kode_kelurahan", "type": "string"})
    schema["foreignKeys"] = [{"fields": ["kode_kelurahan"], "reference": {
        "package": "wilayah-mini", "resource": "kelurahan_mini", "fields": ["kode"]}}]
    ctx.write(d, "kode,nilai,keterangan,kode_kelurahan\na,1,satu,35.73.01.1001\nb,2,dua,99.99\n")


def _metadata(ctx, **changes):
    ctx.write(descriptor(**changes))


REFUSED = [
    # 1. descriptors that are not a JSON / YAML object
    Case("malformed-json", lambda c: (c.write(), (c.folder / "datapackage.json").write_text('{"name": "jahat",')),
         "portal-descriptor-syntax", "datapackage.json", words="cannot be parsed"),
    Case("malformed-yaml", lambda c: _yaml(c, "name: jahat\nresources: [unclosed\n"),
         "portal-descriptor-syntax", "datapackage.yaml", words="cannot be parsed"),
    Case("yaml-alias-bomb", lambda c: _yaml(c, 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
                                              + "".join(f"{n}: &{n} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
                                                        for p, n in zip("abcdefgh", "bcdefghi"))),
         "portal-descriptor-syntax", "datapackage.yaml", words="aliases"),
    Case("descriptor-is-a-list", lambda c: (c.write(), (c.folder / "datapackage.json").write_text("[1, 2]")),
         "portal-descriptor-syntax", "datapackage.json", words="must be an object"),
    Case("descriptor-nested-deeply", lambda c: (c.write(), (c.folder / "datapackage.json").write_text(
        '{"name": ' + "[" * 100_000 + "]" * 100_000 + "}")), "portal-descriptor-syntax", "datapackage.json"),
    Case("descriptor-not-utf8", lambda c: (c.write(), (c.folder / "datapackage.json").write_bytes(
        json.dumps(descriptor(title="Caf\u00e9"), ensure_ascii=False).encode("latin-1"))), "portal-descriptor-syntax", "datapackage.json"),
    Case("descriptor-too-large", lambda c: _monkey(c, discover_stage, "MAX_DESCRIPTOR_BYTES", 10_000, lambda c: c.write(
        descriptor(description="x" * 20_000))), "portal-file-too-large", "datapackage.json", words="10,000 bytes"),
    Case("descriptor-symlink", _descriptor_symlink, "portal-unsafe-path", "datapackage.json", words="symbolic link"),
    Case("field-not-an-object", lambda c: _metadata(c, resources=[{**descriptor()["resources"][0], "schema": {
        "fields": [1, {"name": "nilai"}]}}]), "portal-descriptor", "datapackage.json",
         field="resources[0].schema.fields[0]"),
    Case("schema-is-a-url", lambda c: c.resource(schema=f"{c.url}/schema.json"), "portal-descriptor",
         "datapackage.json", field="resources[0].schema", words="inline"),
    Case("dialect-is-a-url", lambda c: c.resource(dialect=f"{c.url}/dialect.json"), "portal-descriptor",
         "datapackage.json", field="resources[0].dialect", words="inline"),
    # 2. data that breaks the schema (frictionless and the portal's cross-package check)
    Case("type-error", lambda c: c.write(csv="kode,nilai,keterangan\na,satu,x\n"), "type-error", "data/jahat.csv",
         row=2, field="nilai"),
    Case("duplicate-primary-key", lambda c: c.write(csv="kode,nilai,keterangan\na,1,x\na,2,y\n"), "primary-key",
         "data/jahat.csv", row=3),
    Case("foreign-key-in-package", _self_foreign_key, "foreign-key", "data/jahat.csv", row=3, field="induk"),
    Case("foreign-key-across-packages", _cross_foreign_key, "foreign-key", "data/jahat.csv", row=3,
         field="kode_kelurahan"),
    # 3. resource paths
    Case("absolute-path", lambda c: c.resource(path="/etc/passwd"), "portal-unsafe-path", "datapackage.json",
         field="resources[0].path", words="absolute"),
    Case("dotdot-path", lambda c: c.resource(path="../wilayah-mini/data/kecamatan_mini.csv"), "portal-unsafe-path",
         "datapackage.json", field="resources[0].path", words="'..'"),
    Case("tilde-path", lambda c: c.resource(path="~/x.csv"), "portal-unsafe-path", "datapackage.json",
         field="resources[0].path", words="nothing is expanded"),
    Case("dollar-path", lambda c: c.resource(path="$HOME/x.csv"), "portal-unsafe-path", "datapackage.json",
         field="resources[0].path", words="nothing is expanded"),
    *[Case(f"{scheme}-url-path", lambda c, scheme=scheme: c.resource(path=c.url.replace("http", scheme) + "/x.csv"),
           "portal-unsafe-path", "datapackage.json", field="resources[0].path", words="URL")
      for scheme in ("http", "https", "ftp")],
    Case("file-url-path", lambda c: c.resource(path="file:///etc/passwd"), "portal-unsafe-path", "datapackage.json",
         field="resources[0].path", words="URL"),
    Case("symlink-out-of-package", _symlink_file, "portal-unsafe-path", "datapackage.json",
         field="resources[0].path", words="symbolic link"),
    Case("symlinked-folder", _symlink_folder, "portal-unsafe-path", "datapackage.json",
         field="resources[0].path", words="symbolic link"),
    Case("fifo", _fifo, "portal-unsafe-path", "datapackage.json", field="resources[0].path", words="regular file"),
    # 4. compressed inputs
    Case("gz-path", _gz, "portal-compression", "datapackage.json", field="resources[0].path"),
    Case("zip-path", _zip, "portal-compression", "datapackage.json", field="resources[0].path"),
    Case("compression-property", lambda c: c.resource(compression="gz"), "portal-compression", "datapackage.json",
         field="resources[0].compression"),
    Case("gzip-bytes-named-csv", lambda c: c.write(csv=gzip.compress(CSV.encode())), "portal-compression",
         "data/jahat.csv", words="gzip"),
    # 5. size caps, checked before frictionless reads the data
    Case("cell-over-cap", lambda c: c.write(csv="kode,nilai,keterangan\na,1,x\nb,2," + "x" * 2_000_000 + "\n"),
         "portal-cell-too-large", "data/jahat.csv", row=3, field="keterangan", words="100,000"),
    Case("too-many-columns-in-header", lambda c: c.write(csv=",".join(f"c{i}" for i in range(10_000)) + "\n"),
         "portal-too-many-columns", "data/jahat.csv", row=1, words="10,000"),
    Case("too-many-columns-in-schema", lambda c: _metadata(c, resources=[{**descriptor()["resources"][0], "schema": {
        "fields": [{"name": f"c{i}"} for i in range(10_000)]}}]), "portal-too-many-columns", "datapackage.json",
         field="resources[0].schema.fields"),
    Case("file-over-cap", lambda c: _monkey(c, scan_stage, "MAX_FILE_BYTES", 1000, lambda c: c.write(
        csv=CSV + "".join(f"k{i},{i},x\n" for i in range(500)))), "portal-file-too-large", "data/jahat.csv",
         words="up to 1,000 bytes"),
    Case("line-over-cap", lambda c: _monkey(c, scan_stage, "MAX_LINE_BYTES", 1000, lambda c: c.write(
        csv="kode,nilai,keterangan\na,1,x\nb,2," + "y" * 5000 + "\n")), "portal-line-too-long", "data/jahat.csv", row=3),
    # 6. encoding
    Case("latin-1-bytes", lambda c: c.write(csv="kode,nilai,keterangan\na,1,x\nb,2,caf\u00e9\n".encode("latin-1")),
         "portal-encoding", "data/jahat.csv", row=3, words="not UTF-8"),
    Case("nul-byte", lambda c: c.write(csv=b"kode,nilai,keterangan\na,1,x\x00\n"), "portal-nul-byte", "data/jahat.csv",
         row=2),
    # a declared encoding is fine on plain ASCII (tests/test_declared_encodings.py), not on other bytes
    Case("declared-latin-1", lambda c: c.write(declaring(encoding="latin-1"), csv="kode,nilai,keterangan\na,1,x\n"
                                               "b,2,caf\u00e9\n".encode("latin-1")), "portal-encoding", "data/jahat.csv",
         row=3, words="latin-1"),
    # 7. names that are not plain SQL identifiers
    Case("resource-name-bracket", lambda c: c.resource(name="data]x"), "portal-name", "datapackage.json",
         field="resources[0].name"),
    Case("column-name-quote", lambda c: c.field(0, name='ko"de'), "portal-name", "datapackage.json",
         field="resources[0].schema.fields"),
    Case("column-name-newline", lambda c: c.field(2, name="ket\nerangan"), "portal-name", "datapackage.json",
         field="resources[0].schema.fields"),
    # 8. links in the metadata: http, https, mailto or a relative reference only
    Case("javascript-source", lambda c: _metadata(c, sources=[{"title": "x", "path": "javascript:alert(1)"}]),
         "portal-unsafe-url", "datapackage.json", field="sources[0].path"),
    Case("data-licence", lambda c: _metadata(c, licenses=[{"name": "CC0-1.0", "path": "data:text/html,<script>"}]),
         "portal-unsafe-url", "datapackage.json", field="licenses[0].path"),
    Case("vbscript-homepage", lambda c: _metadata(c, homepage="VBScript:msgbox(1)"), "portal-unsafe-url",
         "datapackage.json", field="homepage"),
    Case("file-contributor", lambda c: _metadata(c, contributors=[{"title": "x", "path": "file:///etc/passwd"}]),
         "portal-unsafe-url", "datapackage.json", field="contributors[0].path"),
    Case("spaced-javascript-image", lambda c: _metadata(c, image=" javascript:alert(1)"), "portal-unsafe-url",
         "datapackage.json", field="image"),
    Case("protocol-relative-source", lambda c: _metadata(c, sources=[{"title": "x", "path": "//evil.example/x"}]),
         "portal-unsafe-url", "datapackage.json", field="sources[0].path"),
    Case("javascript-resource-homepage", lambda c: c.resource(homepage="javascript:alert(1)"), "portal-unsafe-url",
         "datapackage.json", field="resources[0].homepage"),
]


@pytest.fixture(scope="module")
def good_build(tmp_path_factory) -> Path:
    build = tmp_path_factory.mktemp("good") / "build"
    assert publish(FIXTURE_DATASETS, FIXTURE_METADATA, build).ok
    return build


@pytest.fixture()
def listener():
    """A bound, listening socket: any attempt to fetch a URL pointing at it would be accepted here."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.setblocking(False)
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    try:
        with pytest.raises(BlockingIOError):
            connection, _ = server.accept()
            connection.close()
    finally:
        server.close()


@pytest.fixture()
def world(tmp_path, good_build, listener, monkeypatch):
    """A copy of the good build and the good packages, plus the folder of the hostile package."""
    build = tmp_path / "build"
    shutil.copytree(good_build, build, symlinks=True)
    datasets = copy_datasets(tmp_path / "datasets", *(FIXTURE_DATASETS / name for name in GOOD))
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "rahasia.csv").write_text(CSV)
    folder = datasets / NAME
    folder.mkdir()
    return build, datasets, Ctx(folder, listener, outside, monkeypatch)


def check(datasets, *options):
    return CliRunner().invoke(cli, ["check", "--datasets", str(datasets), "--metadata", str(FIXTURE_METADATA),
                                    *options])


def rendered(report) -> str:
    console = Console(file=io.StringIO(), width=200)
    print_report(report, console, "en")
    return console.file.getvalue()


def live(build) -> Path:
    return releases_dir(build) / current_release_id(build)


def snapshot(release: Path) -> dict[str, bytes]:
    return {p.relative_to(release).as_posix(): p.read_bytes() for p in sorted(release.rglob("*")) if p.is_file()}


def assert_good_packages_live(build, good=GOOD):
    catalog = json.loads((live(build) / "catalog.json").read_text())
    statuses = {d["name"]: d["status"] for d in catalog["datasets"]}
    assert {name: statuses.get(name) for name in good} == {name: "published" for name in good}
    client = create_app({"BUILD_DIR": str(build), "TESTING": True}).test_client()
    response = client.get("/download/wilayah-mini/kecamatan_mini.csv")
    assert response.status_code == 200
    assert response.data == (FIXTURE_DATASETS / "wilayah-mini" / "data" / "kecamatan_mini.csv").read_bytes()
    return catalog, client


def matches(issue: dict, case: Case, folder: Path) -> bool:
    return (issue["code"] == case.code and issue["file"] == str(folder / case.file)
            and (case.row is None or issue["row"] == case.row) and (case.field is None or issue["field"] == case.field)
            and case.words in issue.get("message_en", issue["message"]))  # --json: message is Indonesian


@pytest.mark.parametrize("case", REFUSED, ids=lambda case: case.id)
def test_hostile_package_is_refused_and_changes_nothing_live(world, case):
    build, datasets, ctx = world
    case.build(ctx)
    before_id = current_release_id(build)
    before = snapshot(live(build))

    result = check(datasets, "--lang", "en")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert f"{NAME}/{case.file}" in result.output and case.code in result.output
    result = check(datasets, "--json")
    assert result.exit_code == 1 and "Traceback" not in result.output
    answer = json.loads(result.output)
    assert not answer["datasets"][NAME]["valid"]
    assert any(matches(issue, case, ctx.folder) for issue in answer["datasets"][NAME]["issues"]), \
        answer["datasets"][NAME]["issues"]
    assert all(answer["datasets"][name] == {"valid": True, "issues": []} for name in GOOD)

    report = publish(datasets, FIXTURE_METADATA, build)
    outcome = report.outcome(NAME)
    assert outcome.status == "failed" and not report.ok
    assert any(matches(dataclasses.asdict(issue), case, ctx.folder) for issue in outcome.issues), outcome.issues
    text = rendered(report)
    assert "Traceback" not in text and f"{NAME}/{case.file}" in text and case.code in text

    # The previous release is untouched; the live one still serves the good packages, and none of this one.
    assert snapshot(releases_dir(build) / before_id) == before
    catalog, client = assert_good_packages_live(build)
    assert NAME not in {d["name"] for d in catalog["datasets"]}
    assert not (live(build) / "files" / NAME).exists() and not (live(build) / "downloads" / f"{NAME}.zip").exists()
    with sqlite3.connect(live(build) / "portal.db") as conn:
        assert conn.execute("select count(*) from sqlite_master where name like 'jahat%'").fetchone()[0] == 0
    assert client.get(f"/dataset/{NAME}").status_code == 404


KEPT = [case for case in REFUSED if case.id in {"malformed-json", "http-url-path", "latin-1-bytes", "gz-path",
                                                "nul-byte", "javascript-source", "cell-over-cap", "symlink-out-of-package"}]


@pytest.mark.parametrize("case", KEPT, ids=lambda case: case.id)
def test_hostile_version_of_a_published_package_keeps_the_previous_version(world, case):
    """The same attacks on a package that is live: its previous version stays, unchanged."""
    build, datasets, ctx = world
    ctx.folder.rmdir()
    shutil.rmtree(datasets / "layanan-mini")
    ctx = dataclasses.replace(ctx, folder=datasets / "layanan-mini")
    ctx.folder.mkdir()
    case.build(ctx)
    try:
        hostile = json.loads((ctx.folder / "datapackage.json").read_text())
        (ctx.folder / "datapackage.json").write_text(json.dumps({**hostile, "name": "layanan-mini"}))
    except ValueError:
        pass  # the malformed descriptor stays malformed
    before = json.loads((live(build) / "catalog.json").read_text())
    hash_before = next(d["content_hash"] for d in before["datasets"] if d["name"] == "layanan-mini")

    result = check(datasets, "--json")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert not json.loads(result.output)["datasets"]["layanan-mini"]["valid"]
    report = publish(datasets, FIXTURE_METADATA, build)
    outcome = report.outcome("layanan-mini")
    assert outcome.status == "kept-previous" and not report.ok
    assert any(matches(dataclasses.asdict(issue), case, ctx.folder) for issue in outcome.issues), outcome.issues
    assert "layanan-mini" in rendered(report)
    catalog, _ = assert_good_packages_live(build, good=("wilayah-mini",))
    kept = next(d for d in catalog["datasets"] if d["name"] == "layanan-mini")
    assert kept["status"] == "kept-previous" and kept["content_hash"] == hash_before
    assert (live(build) / "files" / "layanan-mini" / "data" / "pengaduan_mini.csv").read_bytes() == \
        (FIXTURE_DATASETS / "layanan-mini" / "data" / "pengaduan_mini.csv").read_bytes()


def published(world, *, check_ok=True):
    """Publish the world's datasets after a clean ``portal check``; the hostile-looking package goes live."""
    build, datasets, ctx = world
    if check_ok:
        result = check(datasets)
        assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    report = publish(datasets, FIXTURE_METADATA, build)
    assert report.ok and report.outcome(NAME).status == "published", report.all_issues()
    assert "Traceback" not in rendered(report)
    assert_good_packages_live(build)
    return report, create_app({"BUILD_DIR": str(build), "TESTING": True}).test_client()


@pytest.mark.parametrize("data", [
    "\ufeff" + CSV,  # UTF-8 with a byte order mark (what Excel writes)
    CSV,  # CRLF line endings
    CSV.replace("\r\n", "\n"),
    "kode,nilai,keterangan\na,1,\"baris\r\nkedua\"\nb,-5,+62 341 123\n",  # a quoted newline, signed numbers, a phone
], ids=["bom", "crlf", "lf", "quoted-newline"])
def test_plain_utf8_csv_variants_are_accepted_byte_for_byte(world, data):
    build, datasets, ctx = world
    ctx.write(csv=data)
    report, client = published(world)
    assert [i for i in report.outcome(NAME).issues] == []
    assert client.get(f"/download/{NAME}/jahat_data.csv").data == data.encode("utf-8")
    with sqlite3.connect(live(build) / "portal.db") as conn:
        assert conn.execute("select kode, nilai from jahat_data order by kode").fetchall() == \
            [("a", 1), ("b", 2 if "+62" not in data else -5)]


def test_links_that_are_allowed(world):
    build, datasets, ctx = world
    ctx.write(descriptor(sources=[{"title": "Generator", "path": "portal/samples.py"},
                                  {"title": "Surel", "path": "mailto:data@malangkota.go.id"},
                                  {"title": "Situs", "path": "HTTPS://example.org/x"}],
                         homepage="https://malangkota.go.id", profile=ctx.url + "/profile.json"))
    published(world)  # the profile URL is not fetched: the listener sees no connection


def test_html_in_descriptions_is_published_as_plain_text(world):
    build, datasets, ctx = world
    d = descriptor(description="<script>alert(1)</script> & <b>tebal</b>", title="<img src=x onerror=alert(1)>")
    d["resources"][0]["schema"]["fields"][2]["description"] = "<script>alert(2)</script>"
    ctx.write(d)
    _, client = published(world)
    html = client.get(f"/dataset/{NAME}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x" in html
    assert "<script>alert" not in html and "<img src=x" not in html


FORMULAS = ('kode,nilai,keterangan\na,1,"=HYPERLINK(""http://x"",""klik"")"\nb,2,@SUM(A1)\nc,3,+cmd\nd,4,-5\n'
            'e,5,+62 341 123\nf,6, =1+1\n')  # spreadsheets skip the space before a formula


def test_formula_looking_cells_are_flagged_and_neutralised_in_excel_downloads(world):
    """A warning, not an error: the package is valid and published as it is (the data may be genuine),
    the report flags every such cell, and the spreadsheet downloads show them as text."""
    build, datasets, ctx = world
    ctx.write(csv=FORMULAS)
    result = check(datasets, "--json")
    assert result.exit_code == 0, result.output
    flagged = json.loads(result.output)["datasets"][NAME]
    assert flagged["valid"] and {(i["code"], i["row"], i["field"]) for i in flagged["issues"]} == {
        ("portal-formula-cell", 2, "keterangan"), ("portal-formula-cell", 3, "keterangan"),
        ("portal-formula-cell", 4, "keterangan"), ("portal-formula-cell", 7, "keterangan")}
    report, client = published(world, check_ok=False)
    assert {(i.code, i.row) for i in report.outcome(NAME).issues} == {
        ("portal-formula-cell", 2), ("portal-formula-cell", 3), ("portal-formula-cell", 4), ("portal-formula-cell", 7)}
    assert "portal-formula-cell" in rendered(report)
    catalog = json.loads((live(build) / "catalog.json").read_text())
    assert next(d for d in catalog["datasets"] if d["name"] == NAME)["validation"]["passed"] is True

    assert client.get(f"/download/{NAME}/jahat_data.csv").data == FORMULAS.encode()  # canonical: unchanged
    excel = client.get(f"/download/{NAME}/jahat_data.excel.csv").data.decode("utf-8-sig").splitlines()
    assert excel[1:] == ['a,1,"\'=HYPERLINK(""http://x"",""klik"")"', "b,2,'@SUM(A1)", "c,3,'+cmd", "d,4,-5",
                         "e,5,+62 341 123", "f,6,' =1+1"]
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/download/{NAME}/jahat_data.xlsx").data))
    cells = [row[2] for row in book["data"].iter_rows(min_row=2, values_only=True)]
    assert cells == ["'=HYPERLINK(\"http://x\",\"klik\")", "'@SUM(A1)", "'+cmd", "-5", "+62 341 123", "' =1+1"]
    assert all(cell.data_type != "f" for row in book["data"].iter_rows() for cell in row)


def test_formula_in_metadata_is_neutralised_in_the_xlsx(world):
    build, datasets, ctx = world
    ctx.write(descriptor(title="=cmd|' /C calc'!A0"))
    _, client = published(world)
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/download/{NAME}/jahat_data.xlsx").data))
    values = {row[0]: row[1] for row in book["metadata"].iter_rows(min_row=2, values_only=True)}
    assert values["title"] == "'=cmd|' /C calc'!A0"


def test_control_characters_reach_the_xlsx_as_a_visible_mark(world):
    """XML cannot hold U+001F: the XLSX shows U+FFFD there (found by tests/test_publish_fuzz.py), the CSV and
    JSON keep the exact value, and the download is not left out."""
    build, datasets, ctx = world
    ctx.write(csv='kode,nilai,keterangan\na,1,"unit\x1fsep"\n')
    report, client = published(world)
    assert report.outcome(NAME).issues == []
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/download/{NAME}/jahat_data.xlsx").data))
    assert [row[2] for row in book["data"].iter_rows(min_row=2, values_only=True)] == ["unit\ufffdsep"]
    assert client.get(f"/download/{NAME}/jahat_data.json").get_json()[0]["keterangan"] == "unit\x1fsep"


# Property-based: whatever the descriptor and data, `portal check` answers 0 or 1 and never crashes.
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
                    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children,
                                                                                       max_size=3), max_leaves=8)
NAMES = st.sampled_from(["t", "kode", "nilai", "a b", "", "x]", NAME]) | st.text(max_size=6)
FIELD = st.fixed_dictionaries({}, optional={"name": NAMES | JSON, "type": st.sampled_from(
    ["string", "integer", "number", "boolean", "date", "any", "object"]) | JSON, "constraints": JSON,
    "format": JSON})
SCHEMA = st.fixed_dictionaries({}, optional={"fields": st.lists(FIELD, max_size=4) | JSON,
                                             "primaryKey": NAMES | JSON, "foreignKeys": JSON,
                                             "missingValues": JSON})
RESOURCE = st.fixed_dictionaries({}, optional={
    "name": NAMES | JSON, "path": st.sampled_from(["data.csv", "data.csv.gz", "../x.csv", "/etc/passwd"]) | JSON,
    "schema": SCHEMA | JSON, "dialect": JSON, "encoding": JSON, "format": JSON, "views": JSON, "compression": JSON})
VALID_FIELDS = st.lists(st.fixed_dictionaries({"name": st.sampled_from(["kode", "nilai", "keterangan", "a"])}, optional={
    "type": st.sampled_from(["string", "integer", "number", "boolean", "date", "year", "geopoint"]),
    "constraints": st.fixed_dictionaries({}, optional={"required": st.booleans(), "unique": st.booleans()})}),
    min_size=1, max_size=4)
NEAR_VALID = st.builds(lambda fields, key, extra: {**descriptor(), "resources": [{
    "name": "jahat_data", "path": "data.csv", "schema": {"fields": fields, **key}, **extra}]},
    VALID_FIELDS, st.fixed_dictionaries({}, optional={"primaryKey": NAMES, "foreignKeys": JSON}),
    st.fixed_dictionaries({}, optional={"dialect": JSON, "encoding": JSON, "views": JSON}))
DESCRIPTOR = NEAR_VALID | st.fixed_dictionaries({}, optional={
    "name": st.just(NAME) | JSON, "title": JSON, "description": JSON, "publisher": JSON, "themes": JSON,
    "licenses": JSON, "sources": JSON, "resources": st.lists(RESOURCE, max_size=3) | JSON, "queries": JSON,
    "temporal": JSON, "keywords": JSON, "homepage": JSON, "sample": JSON}) | JSON


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(d=DESCRIPTOR, data=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_check_never_crashes_on_random_packages(tmp_path_factory, d, data):
    datasets = tmp_path_factory.mktemp("fuzz")
    folder = datasets / NAME
    folder.mkdir()
    (folder / "datapackage.json").write_text(json.dumps(d))
    (folder / "data.csv").write_bytes(data)
    result = check(datasets)
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        "".join(traceback.format_exception(result.exception))
    assert "Traceback" not in result.output
