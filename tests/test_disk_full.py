"""A full disk during publish (issue 14): wherever it happens, `portal publish` says "disk penuh" with the
file it was writing (and the table it was loading), exits 1 without a traceback, leaves what is live
exactly as it was and no staging folder, and the next publish, once there is space, succeeds.

SQLite fills up for real: PRAGMA max_page_count on the release database's connections gives SQLite's own
SQLITE_FULL path. File writes get ENOSPC from the call that writes them. A tmpfs of 1 MiB, when this
runs as root and may mount, is a real full disk for both."""

import errno
import hashlib
import json
import os
import pathlib
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from contextlib import closing

import pytest
import rustpy_xlsxwriter
from click.testing import CliRunner

from portal.cli import cli
from portal.publish import downloads, load
from portal.publish.discover import discover
from portal.publish.disk_full import DiskFull, disk_full
from portal.publish.load import ReleaseDatabase
from portal.releases import OBJECTS, current_link, current_release_id, releases_dir

from .conftest import FIXTURE_DATASETS, FIXTURE_METADATA, ROOT, copy_datasets

# Enough rows that loading them needs new pages: SQLITE_FULL in the middle of an insert, after which
# SQLite has rolled the whole transaction back itself.
KECAMATAN = "kode,nama\n35.73.01,Blimbing\n35.73.02,Klojen\n" + "".join(f"35.73.{i},Kecamatan {i}\n" for i in range(100, 600))


def no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def publish(datasets, build, *options):
    return CliRunner().invoke(cli, ["publish", "--datasets", str(datasets), "--metadata", str(FIXTURE_METADATA),
                                    "--build", str(build), *options])


def state(build) -> tuple:
    """What a publish could lose or leave behind: the current link, the release folders, the stored
    objects, and every byte of the live release."""
    live = releases_dir(build) / current_release_id(build)
    files = {p.relative_to(live).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(live.rglob("*")) if p.is_file()}
    return (os.readlink(current_link(build)), sorted(p.name for p in releases_dir(build).iterdir()),
            sorted(p.name for p in (build / OBJECTS).glob("*/*")), files)


def larger_datasets(folder):
    datasets = copy_datasets(folder, *FIXTURE_DATASETS.iterdir())
    (datasets / "wilayah-mini" / "data" / "kecamatan_mini.csv").write_text(KECAMATAN)
    return datasets


@pytest.fixture()
def live(tmp_path):
    """A build with a live release, and the datasets with one file changed since (a row inserted
    before the others, not appended: publish/append.py would load only an appended one), so that
    publishing loads, copies and builds downloads again: (datasets, build, state of the build)."""
    datasets = larger_datasets(tmp_path / "d")
    build = tmp_path / "build"
    assert publish(datasets, build).exit_code == 0
    path = datasets / "wilayah-mini" / "data" / "kecamatan_mini.csv"
    header, rows = path.read_text().split("\n", 1)
    path.write_text(f"{header}\n35.73.999,Kecamatan Baru\n{rows}")
    return datasets, build, state(build)


def assert_stopped_cleanly(result, build, before, *said):
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # a message, not a traceback
    assert "Traceback" not in result.output and "savepoint" not in result.output
    for words in said:
        assert words in result.output, result.output
    assert state(build) == before
    assert not list(releases_dir(build).glob(".staging*"))


def assert_publishes_again(datasets, build, before, monkeypatch):
    monkeypatch.undo()  # space is free again
    result = publish(datasets, build)
    assert result.exit_code == 0, result.output
    assert current_release_id(build) != before[0].rsplit("/", 1)[-1]
    assert f"Rilis {current_release_id(build)} sudah tayang" in result.output


def limit_pages(monkeypatch, pages=None):
    """Release database connections that may not grow past ``pages`` pages, or (None) past the size the
    database has when they open: then loading a fresh database goes on, and building its indexes fails."""
    connect = load.connect

    def limited(path, **options):
        conn = connect(path, **options)
        size = conn.execute("PRAGMA page_count").fetchone()[0]
        if pages is not None or size:
            conn.execute(f"PRAGMA max_page_count = {pages or size}")
        return conn

    monkeypatch.setattr(load, "connect", limited)


@pytest.mark.parametrize("changed", ["loaded", "appended", "carried-over"])
def test_sqlite_full_while_loading_names_the_table_and_the_database(live, monkeypatch, changed):
    datasets, build, before = live
    if changed == "carried-over":  # both packages unchanged: their tables are copied from the live release's database
        (datasets / "wilayah-mini" / "data" / "kecamatan_mini.csv").write_text(KECAMATAN)
    elif changed == "appended":  # the live table copied, then the new row loaded alone (publish/append.py)
        path = datasets / "wilayah-mini" / "data" / "kecamatan_mini.csv"
        path.write_text(KECAMATAN + "35.73.999,Kecamatan Baru\n")
    limit_pages(monkeypatch, 3)
    table, package = "kecamatan_mini", "wilayah-mini"
    result = publish(datasets, build)
    assert_stopped_cleanly(result, build, before, f"disk penuh saat memuat tabel {table} (paket {package}) ke "
                           f"{releases_dir(build)}/.staging-", "/portal.db",
                           "Tidak ada rilis baru; yang sedang tayang tetap tayang.")
    english = publish(datasets, build, "--lang", "en")
    assert_stopped_cleanly(english, build, before, f"disk full while loading table {table} (package {package}) into",
                           "/portal.db", "No new release; what is live stays live.")
    report = json.loads(publish(datasets, build, "--json").stdout)
    assert report["ok"] is False and report["release_id"] is None
    assert [i["code"] for i in report["issues"]] == ["portal-disk-full"]
    assert state(build) == before
    assert_publishes_again(datasets, build, before, monkeypatch)


@pytest.mark.parametrize("fast", [True, False], ids=["validated-while-loading", "loaded-after-frictionless"])
def test_a_full_database_is_not_a_lost_savepoint(tmp_path, monkeypatch, fast):
    """SQLite rolls the whole transaction back on SQLITE_FULL: the package's savepoint is gone, and
    its error must not replace the full disk (nor may the fast path hand a full disk to frictionless)."""
    limit_pages(monkeypatch, 3)
    source = next(s for s in discover(larger_datasets(tmp_path / "d")) if s.name == "wilayah-mini")
    database = ReleaseDatabase(tmp_path / "portal.db")
    try:
        with pytest.raises(DiskFull) as raised:
            database.load_checked(source) if fast else database.load_unchecked(source)
    finally:
        database.close()
    assert raised.value.issue.params == {"path": str(tmp_path / "portal.db"), "table": "kecamatan_mini",
                                         "package": "wilayah-mini"}
    assert not database.loads and not database.unvouched


def test_sqlite_full_while_building_indexes(live, monkeypatch):
    datasets, build, before = live
    limit_pages(monkeypatch)
    result = publish(datasets, build)
    assert_stopped_cleanly(result, build, before, "disk penuh saat membuat indeks tabel kecamatan_mini di", "/portal.db")
    assert_publishes_again(datasets, build, before, monkeypatch)


def test_no_space_copying_a_package_file(live, monkeypatch):
    datasets, build, before = live
    monkeypatch.setattr(os, "sendfile", no_space)  # what shutil.copyfile writes with on Linux
    result = publish(datasets, build)
    assert_stopped_cleanly(result, build, before, "disk penuh: ", "/files/layanan-mini/data/pengaduan_mini.csv tidak "
                                                                 "dapat ditulis")
    assert_publishes_again(datasets, build, before, monkeypatch)


def test_no_space_writing_a_download_zip(live, monkeypatch):
    datasets, build, before = live
    writestr = zipfile.ZipFile.writestr

    def zip_on_a_full_disk(archive, *args, **kwargs):
        if str(archive.filename).endswith(".zip"):  # the package zip, not an XLSX (a zip too)
            no_space()
        return writestr(archive, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", zip_on_a_full_disk)
    result = publish(datasets, build, "--lang", "en")
    assert_stopped_cleanly(result, build, before, "disk full: ", "/downloads/wilayah-mini.zip could not be written")
    assert_publishes_again(datasets, build, before, monkeypatch)


def rust_no_space(*args, **kwargs):
    """How rustpy-xlsxwriter reports a full disk (seen on a full tmpfs): an OSError without an errno."""
    raise OSError("Failed to save workbook: No space left on device (os error 28)")


def test_no_space_writing_an_xlsx(live, monkeypatch):
    datasets, build, before = live
    monkeypatch.setattr(rustpy_xlsxwriter, "write_worksheets", rust_no_space)
    result = publish(datasets, build)
    assert_stopped_cleanly(result, build, before, "disk penuh: ",
                           "/downloads/wilayah-mini/kecamatan_mini.xlsx tidak dapat ditulis")
    assert_publishes_again(datasets, build, before, monkeypatch)


def test_no_space_in_an_xlsx_worker_process(live, monkeypatch, tmp_path, capfd):
    """XLSX files written by child processes: a full disk there stops the release too."""
    datasets, build, before = live
    stub = tmp_path / "stub"
    stub.mkdir()  # the workers are new Python processes: sitecustomize fills their disk
    (stub / "sitecustomize.py").write_text("import rustpy_xlsxwriter\n\n"
                                           "def save(*args):\n"
                                           "    raise OSError('Failed to save workbook: No space left on device'\n"
                                           "                  ' (os error 28)')\n\n"
                                           "rustpy_xlsxwriter.write_worksheets = save\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(stub), str(ROOT), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setattr(downloads, "XLSX_PARALLEL_MIN_ROWS", 0)
    monkeypatch.setattr(downloads.os, "cpu_count", lambda: 2)
    result = publish(datasets, build)
    assert_stopped_cleanly(result, build, before, "disk penuh: ", "/downloads/wilayah-mini/")
    assert re.search(r"/downloads/wilayah-mini/\w+_mini\.xlsx tidak dapat ditulis", result.output)  # whichever worker
    assert "Traceback" not in capfd.readouterr().err
    assert_publishes_again(datasets, build, before, monkeypatch)


def test_no_space_writing_the_catalog(live, monkeypatch):
    """catalog.json is written after the files became stored objects: those go too."""
    datasets, build, before = live
    write_text = pathlib.Path.write_text

    def catalog_on_a_full_disk(path, *args, **kwargs):
        if path.name == "catalog.json":
            no_space()
        return write_text(path, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "write_text", catalog_on_a_full_disk)
    result = publish(datasets, build)
    assert_stopped_cleanly(result, build, before, "disk penuh: ", "/catalog.json tidak dapat ditulis")
    assert_publishes_again(datasets, build, before, monkeypatch)


def test_no_space_creating_the_staging_folder(live, monkeypatch):
    datasets, build, before = live
    mkdir = pathlib.Path.mkdir

    def staging_on_a_full_disk(path, *args, **kwargs):
        if path.name.startswith(".staging-"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return mkdir(path, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "mkdir", staging_on_a_full_disk)
    result = publish(datasets, build)
    assert_stopped_cleanly(result, build, before, f"disk penuh: {releases_dir(build)}/.staging-")
    assert_publishes_again(datasets, build, before, monkeypatch)


def test_no_space_switching_current(live, monkeypatch):
    """The last write of all: the new link for ``current``. The release moved into place goes again."""
    datasets, build, before = live

    def link_on_a_full_disk(target, link, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target), None, str(link))

    monkeypatch.setattr(os, "symlink", link_on_a_full_disk)
    result = publish(datasets, build)
    assert_stopped_cleanly(result, build, before, f"disk penuh: {build}/.current-")
    assert_publishes_again(datasets, build, before, monkeypatch)


def test_portal_check_on_a_full_disk(monkeypatch):
    limit_pages(monkeypatch, 2)
    result = CliRunner().invoke(cli, ["check", "--datasets", str(FIXTURE_DATASETS), "--metadata",
                                      str(FIXTURE_METADATA), "--lang", "en"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "disk full while loading table kecamatan_mini (package wilayah-mini) into" in result.output


@pytest.fixture()
def small_disk(tmp_path):
    """A real 1 MiB filesystem (tmpfs); skipped unless this may mount one (root, mount allowed)."""
    folder = tmp_path / "small"
    folder.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], capture_output=True,
                             text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        if subprocess.run(["umount", str(folder)], capture_output=True, check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


def publish_process(datasets, build, *options):
    return subprocess.run([sys.executable, "-m", "portal", "publish", "--datasets", str(datasets), "--metadata",
                           str(FIXTURE_METADATA), "--build", str(build), "--quiet", *options], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=300,
                          check=False)


def test_a_real_full_filesystem(small_disk, tmp_path):
    """A table too large for the database, in a real `portal` process: the space the failed release
    took is free again afterwards."""
    datasets = larger_datasets(tmp_path / "d")
    build = small_disk / "build"
    first = publish_process(datasets, build)
    assert first.returncode == 0, first.stdout + first.stderr
    before, free = state(build), shutil.disk_usage(small_disk).free
    kecamatan = datasets / "wilayah-mini" / "data" / "kecamatan_mini.csv"
    kecamatan.write_text("kode,nama\n" + "".join(f"35.73.{i:05d},Kecamatan {i} {'x' * 80}\n" for i in range(20_000)))
    result = publish_process(datasets, build, "--lang", "en")
    assert result.returncode == 1
    assert "disk full while loading table kecamatan_mini (package wilayah-mini) into" in result.stdout, \
        result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert state(build) == before and not list(releases_dir(build).glob(".staging*"))
    assert shutil.disk_usage(small_disk).free >= free - 16 * 1024  # (the folder's own blocks, at most)

    kecamatan.write_text(KECAMATAN)
    again = publish_process(datasets, build)
    assert again.returncode == 0, again.stdout + again.stderr
    assert current_release_id(build) != before[0].rsplit("/", 1)[-1]


def test_a_real_disk_running_out_at_every_stage(small_disk, tmp_path):
    """The same publish with ever more room left, 4 kB at a time: wherever the disk runs out (the
    database, its journal or -shm file, a copy, a download, the catalog...) it stops cleanly, until it fits."""
    datasets = larger_datasets(tmp_path / "d")
    build, filler = small_disk / "build", small_disk / "filler"
    assert publish(datasets, build).exit_code == 0
    with open(datasets / "wilayah-mini" / "data" / "kecamatan_mini.csv", "a") as file:
        file.write("35.73.999,Kecamatan Baru\n")
    before, stopped_at = state(build), set()
    for room in range(0, 1_000_000, 4096):  # a page of tmpfs: 8 kB steps under load could step over the downloads
        filler.unlink(missing_ok=True)
        filler.write_bytes(bytes(max(0, shutil.disk_usage(small_disk).free - room)))
        result = publish(datasets, build, "--quiet")
        if result.exit_code == 0:
            break
        assert_stopped_cleanly(result, build, before, "disk penuh", "portal-disk-full")
        stopped_at |= set(re.findall(r"\.staging-[\d-]+/(portal\.db|files|downloads)", result.output))
    else:
        pytest.fail("the release never fitted")
    assert stopped_at == {"portal.db", "files", "downloads"}


def test_a_real_disk_full_when_a_package_commits(small_disk, tmp_path):
    """Loaded rows wait in SQLite's page cache until the package's savepoint is released: that commit is
    where a nearly full disk usually runs out."""
    source = next(s for s in discover(larger_datasets(tmp_path / "d")) if s.name == "wilayah-mini")
    (small_disk / "filler").write_bytes(bytes(shutil.disk_usage(small_disk).free - 16 * 1024))
    database = ReleaseDatabase(small_disk / "portal.db")
    try:
        with pytest.raises(DiskFull) as raised:
            database.load_checked(source)
    finally:
        database.close()
    assert raised.value.issue.message == f"disk full while saving package wilayah-mini into {small_disk}/portal.db"
    assert not database.loads and not database.unvouched


def test_reading_a_wal_database_on_a_full_disk_is_disk_full(small_disk):
    """Publish reads portal.db in WAL mode while its indexes are built; SQLite then needs room for the
    -shm file, and says "disk I/O error" (SQLITE_IOERR_SHMSIZE) when there is none."""
    path = small_disk / "portal.db"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (a)")
    (small_disk / "filler").write_bytes(bytes(shutil.disk_usage(small_disk).free))
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn, \
            pytest.raises(sqlite3.OperationalError) as raised:
        conn.execute("SELECT count(*) FROM t")
    assert disk_full(raised.value, path).issue.message == f"disk full: {path} could not be written"
