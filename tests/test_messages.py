"""Messages a person can act on (issue 13): the real `portal` command on a fresh scaffold and on broken
packages, in Indonesian (default) and English (--lang en, PORTAL_LANG), in the terminal and in --json."""

import io
import json
import re
import shutil

import pytest
import yaml
from click.testing import CliRunner
from rich.console import Console

from portal.cli import cli
from portal.publish.console import print_report
from portal.publish.report import DatasetOutcome, PublishReport

from .conftest import BROKEN, FIXTURE_DATASETS, FIXTURE_METADATA, ROOT, copy_datasets

METADATA = ROOT / "metadata"
CSV = "id,tanggal,kode_kelurahan,jumlah\n1,2024-01-05,35.73.01.1001,40\n2,2024-01-05,35.73.02.1003,35\n"


def run(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env, prog_name="portal")


def ids(name: str) -> list[str]:
    return [entry["id"] for entry in yaml.safe_load((METADATA / f"{name}.yaml").read_text(encoding="utf-8"))]


@pytest.fixture()
def scaffolded(tmp_path):
    """`portal new coba some.csv` in a copy of the reference package, as a staff member would run it."""
    datasets = tmp_path / "datasets"
    shutil.copytree(ROOT / "datasets" / "kode-wilayah-indonesia", datasets / "kode-wilayah-indonesia")
    (tmp_path / "some.csv").write_text(CSV, encoding="utf-8")
    assert run("new", "coba", tmp_path / "some.csv", "--datasets", datasets).exit_code == 0
    return datasets


def check(datasets, *options, metadata=METADATA, env=None):
    return run("check", "coba", "--datasets", datasets, "--metadata", metadata, *options, env=env)


def issues_of(result, name="coba") -> list[dict]:
    return json.loads(result.stdout)["datasets"][name]["issues"]


def edit(datasets, name="coba", **changes):
    path = datasets / name / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor.update(changes)
    path.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    return descriptor


def test_a_fresh_scaffold_names_each_property_once_with_what_to_write(scaffolded):
    result = check(scaffolded, "--json")
    assert result.exit_code == 1
    issues = issues_of(result)
    fields = [i["field"] for i in issues]
    assert len(fields) == len(set(fields)), sorted(f for f in fields if fields.count(f) > 1)
    by_field = {i["field"]: i for i in issues}
    for field, register in [("publisher", "publishers"), ("author", "publishers"), ("maintainer", "publishers"),
                            ("themes[0]", "themes"), ("licenses[0].name", "licenses")]:
        message = by_field[field]["message"]
        assert f"metadata/{register}.yaml" in message and all(i in message for i in ids(register)), message
    assert "once, daily, weekly, monthly, quarterly, annual, irregular" in by_field["accrualPeriodicity"]["message"]
    assert {i["code"] for i in issues} == {"portal-placeholder"}  # no "not listed" beside the placeholder
    assert "ISI: judul dataset" in by_field["title"]["message"]

    text = check(scaffolded).output
    for field in fields:  # the terminal says each once too
        assert text.count(f"properti {field}:") == 1, field


def test_a_value_close_to_a_valid_one_gets_a_suggestion(scaffolded):
    edit(scaffolded, themes=["Smart Living"], publisher="Diskominfo", accrualPeriodicity="bulanan")
    issues = {i["field"]: i for i in issues_of(check(scaffolded, "--json"))}
    assert "`themes[0]: Smart Living`" in issues["themes[0]"]["message"]
    assert "maksud Anda `living`?" in issues["themes[0]"]["message"]
    assert "maksud Anda `diskominfo`?" in issues["publisher"]["message"]
    assert "maksud Anda `monthly`?" in issues["accrualPeriodicity"]["message"]
    english = {i["field"]: i for i in issues_of(check(scaffolded, "--json", "--lang", "en"))}
    assert "did you mean `living`?" in english["themes[0]"]["message"]
    edit(scaffolded, themes=["pariwisata"])  # nothing close: the choices, no guess
    message = next(i for i in issues_of(check(scaffolded, "--json")) if i["field"] == "themes[0]")["message"]
    assert "maksud Anda" not in message and all(i in message for i in ids("themes"))


def test_descriptor_properties_are_never_called_columns(scaffolded):
    text = check(scaffolded).output
    descriptor_lines = [line for line in text.splitlines() if "datapackage.json ·" in line]
    assert descriptor_lines and all("datapackage.json · properti " in line for line in descriptor_lines)
    english = check(scaffolded, "--lang", "en").output
    assert all("datapackage.json · property " in line for line in english.splitlines() if "datapackage.json ·" in line)
    names = {i["field"] for i in issues_of(check(scaffolded, "--json"))}
    for message in (i["message"] for i in issues_of(check(scaffolded, "--json"))):
        assert not re.search(r"\bkolom (%s)\b" % "|".join(map(re.escape, names)), message), message


def test_data_problems_still_name_their_column(tmp_path):
    datasets = copy_datasets(tmp_path / "d", FIXTURE_DATASETS / "wilayah-mini", BROKEN / "layanan-mini")
    result = run("check", "--datasets", datasets, "--metadata", FIXTURE_METADATA)
    assert "pengaduan_mini.csv · kolom biaya:" in result.output
    assert 'Sel "mahal" di baris 3, kolom "biaya"' in result.output


def test_the_source_url_placeholder_is_to_fill_not_an_unsafe_link(scaffolded):
    issues = issues_of(check(scaffolded, "--json"))
    assert [i["code"] for i in issues if i["field"] == "sources[0].path"] == ["portal-placeholder"]
    edit(scaffolded, sources=[{"title": "Sumber", "path": "javascript:alert(1)"}])  # a real unsafe link still is
    issues = issues_of(check(scaffolded, "--json"))
    assert [i["code"] for i in issues if i["field"] == "sources[0].path"] == ["portal-unsafe-url"]


def filled(datasets):
    descriptor = edit(datasets, title="Coba", description="Uji.", publisher="diskominfo", author="dinkes",
                      maintainer="diskominfo", themes=["living"], licenses=[{"name": "CC0-1.0"}],
                      accrualPeriodicity="monthly", sample=True, sources=[], konsep="k", definisi="d", satuan="s",
                      ukuran="u", metodologi="m")
    for key in ("title_en", "description_en", "temporal", "spatial", "modified", "dasar_hukum", "data_prioritas",
                "keywords"):  # recommended placeholders, deleted on purpose
        descriptor.pop(key, None)
    (datasets / "coba" / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    resource = descriptor["resources"][0]
    resource.update(title="Coba", description="Satu baris per kunjungan.")
    for field in resource["schema"]["fields"]:
        field.update(title=field["name"], description=f"Definisi {field['name']}")
    return descriptor


def test_a_descriptor_frictionless_refuses_says_why_and_where(scaffolded):
    descriptor = filled(scaffolded)
    descriptor["resources"][0]["licenses"] = [{"title": "Lisensi tanpa nama"}]
    edit(scaffolded, **descriptor)
    assert check(scaffolded).exit_code == 1
    (issue,) = issues_of(check(scaffolded, "--json"))
    assert issue["code"] == "resource-error" and issue["field"] == "resources[0].licenses"
    assert 'lisensi harus punya "path" atau "name"' in issue["message"]
    assert 'license requires "path" or "name"' in issue["message_en"]
    assert "The data package has an error: descriptor is not valid" not in issue["message_en"]  # frictionless' bare words

    descriptor["resources"][0].pop("licenses")
    descriptor["resources"][0]["title"] = 5  # a wrong type
    edit(scaffolded, **descriptor)
    (issue,) = issues_of(check(scaffolded, "--json", "--lang", "en"))
    assert issue["field"] == "resources[0].title"
    assert issue["message"] == "The descriptor is not valid at property resources[0].title: 5 is not of type 'string'"
    (issue,) = issues_of(check(scaffolded, "--json"))
    assert issue["message"] == "Deskriptor tidak valid di properti resources[0].title: 5 bukan bertipe 'string'"


def broken(tmp_path):
    return copy_datasets(tmp_path / "d", FIXTURE_DATASETS / "wilayah-mini", BROKEN / "layanan-mini",
                         BROKEN / "rusak-baru")


@pytest.mark.parametrize("command", ["check", "publish"])
def test_json_is_indonesian_by_default_and_english_with_lang_en(tmp_path, command):
    datasets = broken(tmp_path)
    options = ["--datasets", datasets, "--metadata", FIXTURE_METADATA, "--json"]
    if command == "publish":
        options += ["--build", tmp_path / "build"]

    def issues(*extra):
        result = run(command, *options, *extra)
        assert result.exit_code == 1, result.output
        report = json.loads(result.stdout)
        datasets = report["datasets"] if command == "check" else {d["name"]: d for d in report["datasets"]}
        found = [i for name in ("layanan-mini", "rusak-baru") for i in datasets[name]["issues"]]
        return report["language"], {i["field"] or i["code"]: i for i in found}

    language, indonesian = issues()
    assert language == "id"
    assert indonesian["biaya"]["code"] == "type-error"
    assert indonesian["biaya"]["message"].startswith('Sel "mahal" di baris 3, kolom "biaya"')
    assert indonesian["biaya"]["message_en"].startswith('Type error in the cell "mahal" in row "3"')
    assert indonesian["biaya"]["hint"].startswith("Perbaiki sel")
    assert "tidak ada di metadata/publishers.yaml" in indonesian["publisher"]["message"]
    language, english = issues("--lang", "en")
    assert language == "en"
    assert all(i["message"] == i["message_en"] for i in english.values())
    assert "is not listed in metadata/publishers.yaml" in english["publisher"]["message"]
    assert english["biaya"]["hint"].startswith("Fix the cell")
    assert {k: i["code"] for k, i in english.items()} == {k: i["code"] for k, i in indonesian.items()}  # stable codes


@pytest.mark.parametrize("args, env", [
    (["--lang", "en", "publish", "--help"], None),
    (["publish", "--help", "--lang", "en"], None),
    (["publish", "--lang=en", "--help"], None),
    (["publish", "--help"], {"PORTAL_LANG": "en"}),
])
def test_help_in_english(args, env):
    result = run(*args, env=env)
    assert result.exit_code == 0, result.output
    assert "Usage: portal publish" in result.output and "Options:" in result.output
    assert "Validate every data package and publish the valid ones" in result.output
    assert "Folder of data packages.  [default: datasets]" in result.output
    assert "Show this message and exit." in result.output
    assert "Periksa" not in result.output


def test_help_is_indonesian_by_default():
    result = run("publish", "--help", env={"PORTAL_LANG": ""})
    assert "Penggunaan: portal publish" in result.output and "Opsi:" in result.output
    assert "Periksa setiap paket data dan terbitkan yang valid" in result.output
    assert "Folder paket data.  [bawaan: datasets]" in result.output
    assert "Validate" not in result.output
    top = run("--help", env={"PORTAL_LANG": ""}).output
    assert "Perintah:" in top and "Periksa paket data tanpa menerbitkan" in top
    assert "Validate data packages" in run("--help", env={"PORTAL_LANG": "en"}).output


def test_usage_errors_in_the_chosen_language(tmp_path):
    assert "folder tidak ditemukan" in run("check", "--datasets", tmp_path / "nope").output
    assert "folder not found" in run("check", "--datasets", tmp_path / "nope", "--lang", "en").output


def rendered(report: PublishReport, language: str) -> str:
    console = Console(file=io.StringIO(), width=200)
    print_report(report, console, language)
    return console.file.getvalue()


def test_numbers_use_the_languages_separators():
    report = PublishReport(release_id="20260101-000000", seconds=3.14159,
                           datasets=[DatasetOutcome("besar", "published", rows=12345)])
    indonesian, english = rendered(report, "id"), rendered(report, "en")
    assert "(3,1 detik)" in indonesian and "12.345" in indonesian
    assert "(3.1 seconds)" in english and "12,345" in english


def test_numbers_in_issue_messages_too(tmp_path):
    datasets = copy_datasets(tmp_path / "d", FIXTURE_DATASETS / "wilayah-mini")
    (datasets / "wilayah-mini" / "datapackage.json").write_text(
        json.dumps({"name": "wilayah-mini", "description": "x" * 5_000_100}), encoding="utf-8")
    result = run("check", "--datasets", datasets, "--metadata", FIXTURE_METADATA, "--json")
    (issue,) = json.loads(result.stdout)["datasets"]["wilayah-mini"]["issues"]
    assert "batasnya 5.000.000 byte" in issue["message"] and "the limit is 5,000,000 bytes" in issue["message_en"]
