import json
import subprocess
import sys

from click.testing import CliRunner

from portal.cli import cli
from portal.releases import current_release_id

from .conftest import BROKEN, FIXTURE_DATASETS, FIXTURE_METADATA, ROOT, copy_datasets


def run(*args):
    return CliRunner().invoke(cli, ["publish", *map(str, args)])


def test_exit_0_when_everything_is_published(tmp_path):
    result = run("--datasets", FIXTURE_DATASETS, "--metadata", FIXTURE_METADATA, "--build", tmp_path)
    assert result.exit_code == 0, result.output
    assert "layanan-mini" in result.output and "diterbitkan" in result.output
    assert f"Rilis {current_release_id(tmp_path)} sudah tayang" in result.output


def test_exit_1_names_file_row_and_field_and_says_what_stays_live(tmp_path):
    run("--datasets", FIXTURE_DATASETS, "--metadata", FIXTURE_METADATA, "--build", tmp_path / "b")
    datasets = copy_datasets(tmp_path / "d", FIXTURE_DATASETS / "wilayah-mini", BROKEN / "layanan-mini")
    result = run("--datasets", datasets, "--metadata", FIXTURE_METADATA, "--build", tmp_path / "b")
    assert result.exit_code == 1
    assert "layanan-mini/data/pengaduan_mini.csv · kolom biaya: Nilai tidak sesuai tipe kolom. (1×) type-error" \
        in result.output
    assert "baris 3 «mahal»" in result.output and "Cara memperbaiki: Perbaiki sel" in result.output
    assert "kolom kode_kelurahan: Nilai tidak ada di tabel rujukan. (1×) foreign-key" in result.output
    assert "baris 5 «35.73.99.9999»" in result.output
    assert "layanan-mini tidak valid: versinya dari rilis" in result.output


def test_json_report_on_stdout(tmp_path):
    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir(), BROKEN / "rusak-baru")
    result = run("--datasets", datasets, "--metadata", FIXTURE_METADATA, "--build", tmp_path / "b", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["release_id"]
    statuses = {d["name"]: d["status"] for d in report["datasets"]}
    assert statuses == {"layanan-mini": "published", "rusak-baru": "failed", "wilayah-mini": "published"}
    issue = next(d for d in report["datasets"] if d["name"] == "rusak-baru")["issues"][0]
    assert set(issue) == {"file", "row", "field", "code", "message", "message_en", "hint", "cell"}


def test_exit_2_on_usage_errors(tmp_path):
    assert run("--datasets", tmp_path / "missing").exit_code == 2
    assert run("--no-such-option").exit_code == 2


def test_broken_metadata_publishes_nothing(tmp_path):
    metadata = tmp_path / "m"
    metadata.mkdir()
    result = run("--datasets", FIXTURE_DATASETS, "--metadata", metadata, "--build", tmp_path / "b")
    assert result.exit_code == 1
    assert "portal.yaml" in result.output and "berkas tidak ada" in result.output
    assert "Tidak ada rilis baru" in result.output
    assert current_release_id(tmp_path / "b") is None


def test_publish_py_is_the_same_command(tmp_path):
    result = subprocess.run(
        [sys.executable, "publish.py", "--datasets", FIXTURE_DATASETS, "--metadata", FIXTURE_METADATA,
         "--build", tmp_path, "--json"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["release_id"] == current_release_id(tmp_path)
