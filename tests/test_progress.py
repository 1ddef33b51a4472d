"""Publish reports its progress per package (bytes of data read, rows loaded) to a watcher, which the
command line shows as progress bars."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from portal.cli import cli
from portal.publish import publish
from portal.publish.progress import watched_by

ROOT = Path(__file__).resolve().parent.parent


class Recorder:
    """A progress.Watcher keeping what it was told."""

    def __init__(self):
        self.totals, self.read_bytes, self.rows, self.finished = {}, {}, {}, []

    def package(self, name, total_bytes):
        self.totals[name] = total_bytes
        self.read_bytes[name] = self.rows[name] = 0

    def read(self, name, data_bytes, rows):
        self.read_bytes[name] += data_bytes
        self.rows[name] += rows

    def done(self, name):
        self.finished.append(name)


def test_every_package_reports_its_bytes_and_rows(tmp_path):
    watcher = Recorder()
    with watched_by(watcher):
        report = publish(ROOT / "datasets", ROOT / "metadata", tmp_path / "build")
    assert report.ok, report.all_issues()
    names = {outcome.name for outcome in report.datasets}
    assert set(watcher.totals) == set(watcher.finished) == names
    for outcome in report.datasets:
        files = sorted((ROOT / "datasets" / outcome.name / "data").glob("*.csv"))
        assert watcher.totals[outcome.name] == sum(f.stat().st_size for f in files) > 0
        assert watcher.read_bytes[outcome.name] >= watcher.totals[outcome.name]  # every byte was read
        assert watcher.rows[outcome.name] == outcome.rows


def test_publish_in_a_terminal_shows_a_bar_per_package(tmp_path):
    datasets = tmp_path / "datasets"
    shutil.copytree(ROOT / "datasets" / "kode-wilayah-indonesia", datasets / "kode-wilayah-indonesia")
    result = CliRunner().invoke(cli, ["publish", "--datasets", str(datasets), "--metadata", str(ROOT / "metadata"),
                                      "--build", str(tmp_path / "build")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    bar = next(line for line in result.output.splitlines() if line.startswith("kode-wilayah-indonesia "))
    assert "━" in bar and "614 baris" in bar
