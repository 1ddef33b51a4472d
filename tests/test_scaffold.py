"""portal/scaffold.py: a new package from CSV files, checked with the portal's own publish pipeline."""

import json
import shutil
from pathlib import Path

import pytest

from portal.publish.discover import discover
from portal.publish.metadata import load_metadata
from portal.publish.validate import validate
from portal.scaffold import PLACEHOLDER_PREFIX, ScaffoldError, new_package, placeholders, resource_name, scaffold

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "datasets" / "kode-wilayah-indonesia"

PENGADUAN = (
    "id,tanggal,kode_kelurahan,jumlah,keterangan\n"
    "1,2024-01-01,35.73.01.1001,5,jalan rusak\n"
    "2,2024-01-02,35.73.01.1002,,lampu mati\n"
    "3,2024-01-03,35.73.02.1001,7,\n"
)


@pytest.fixture()
def datasets(tmp_path):
    folder = tmp_path / "datasets"
    folder.mkdir()
    shutil.copytree(REFERENCE, folder / REFERENCE.name)
    return folder


def write_csv(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode("utf-8"))
    return path


def descriptor_of(package: Path) -> dict:
    return json.loads((package / "datapackage.json").read_text(encoding="utf-8"))


def fields_of(descriptor: dict, index: int = 0) -> dict:
    return {f["name"]: f for f in descriptor["resources"][index]["schema"]["fields"]}


def portal_issues(datasets: Path) -> dict:
    metadata, problems = load_metadata(ROOT / "metadata")
    assert problems == []
    return {name: v.issues for name, v in validate(discover(datasets), metadata).items()}


def test_scaffold_infers_schema_keys_and_reference_codes(tmp_path, datasets):
    source = write_csv(tmp_path / "in", "Pengaduan Warga.csv", PENGADUAN)
    package = scaffold("pengaduan-warga", [source], datasets)

    assert package == datasets / "pengaduan-warga"
    copied = package / "data" / "pengaduan_warga.csv"
    assert copied.read_bytes() == source.read_bytes()
    text = (package / "datapackage.json").read_text(encoding="utf-8")
    assert text.endswith("}\n") and text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"

    d = descriptor_of(package)
    assert d["name"] == "pengaduan-warga" and d["accessRights"] == "terbuka"
    resource = d["resources"][0]
    assert resource["name"] == "pengaduan_warga"
    assert (resource["path"], resource["format"], resource["encoding"]) == ("data/pengaduan_warga.csv", "csv", "utf-8")
    fields = fields_of(d)
    assert {name: f["type"] for name, f in fields.items()} == {
        "id": "integer", "tanggal": "date", "kode_kelurahan": "string", "jumlah": "integer", "keterangan": "string"}
    assert all(f["title"] == "ISI: judul kolom" and f["description"] == "ISI: definisi kolom"
               for f in fields.values())
    schema = resource["schema"]
    assert schema["primaryKey"] == ["id"]
    assert schema["foreignKeys"] == [{"fields": ["kode_kelurahan"], "reference": {
        "package": "kode-wilayah-indonesia", "resource": "kota_malang_kelurahan", "fields": ["kode"]}}]
    assert fields["kode_kelurahan"]["referenceCodeList"] == "kode-wilayah-indonesia/kota_malang_kelurahan"
    assert "referenceCodeList" not in fields["keterangan"]

    found = dict(placeholders(d))
    for path in ("title", "description", "publisher", "author", "maintainer", "themes[0]", "licenses[0].name",
                 "sources[0].title", "sources[0].path", "accrualPeriodicity", "konsep", "definisi", "satuan",
                 "ukuran", "metodologi", "keywords[0]", "title_en", "description_en", "temporal.start", "temporal.end",
                 "spatial.kode_wilayah", "modified", "dasar_hukum[0]", "data_prioritas", "resources[0].schema.fields[0].title",
                 "resources[0].schema.fields[2].description", "resources[0].schema.fields[4].title"):
        assert found[path].startswith(PLACEHOLDER_PREFIX), path
    assert "name" not in found and "accessRights" not in found and "resources[0].path" not in found


def test_unfilled_scaffold_is_refused_by_publish(tmp_path, datasets):
    scaffold("baru", [write_csv(tmp_path / "in", "baru.csv", PENGADUAN)], datasets)
    fields = {i.field for i in portal_issues(datasets)["baru"]}
    assert {"publisher", "author", "maintainer", "themes[0]", "licenses[0].name", "accrualPeriodicity"} <= fields
    assert portal_issues(datasets)["kode-wilayah-indonesia"] == []


def fill(value, path=""):
    """Replace every placeholder with a real value, as a person would."""
    real = {"publisher": "diskominfo", "author": "diskominfo", "maintainer": "diskominfo",
            "themes[0]": "governance", "licenses[0].name": "CC0-1.0", "accrualPeriodicity": "monthly",
            "sources[0].path": "https://example.org/sumber", "modified": "2024-01-31", "temporal.start": "2024-01-01",
            "temporal.end": "2024-12-31", "spatial.kode_wilayah": "35.73", "data_prioritas": False}
    if isinstance(value, dict):
        return {k: fill(v, f"{path}.{k}" if path else k) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, str) and value.startswith(PLACEHOLDER_PREFIX):
        return real.get(path, f"Isian nyata untuk {path}")
    return value


def test_filled_scaffold_passes_the_portal_pipeline(tmp_path, datasets):
    a = write_csv(tmp_path / "in", "pengaduan.csv", PENGADUAN)
    b = write_csv(tmp_path / "in", "rekap-kecamatan.csv",
                  "kode_kecamatan,bulan,jumlah_aduan,persen_selesai\n"
                  "35.73.01,2024-01,12,50.5\n35.73.02,2024-01,3,100\n35.73.03,2024-01,0,\n")
    package = scaffold("aduan-lengkap", [a, b], datasets)
    descriptor = fill(descriptor_of(package))
    assert placeholders(descriptor) == []
    (package / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n",
                                              encoding="utf-8")
    issues = portal_issues(datasets)
    assert issues["aduan-lengkap"] == []
    assert issues["kode-wilayah-indonesia"] == []
    rekap = descriptor["resources"][1]
    assert rekap["name"] == "rekap_kecamatan" and rekap["schema"]["primaryKey"] == ["kode_kecamatan"]
    assert {f["name"]: f["type"] for f in rekap["schema"]["fields"]}["persen_selesai"] == "number"


def test_filled_scaffold_with_wrong_reference_code_fails_publish(tmp_path, datasets):
    """The cross-package foreign key is real: a code outside the reference table is a publish error."""
    package = scaffold("aduan", [write_csv(tmp_path / "in", "aduan.csv", PENGADUAN)], datasets)
    (package / "datapackage.json").write_text(json.dumps(fill(descriptor_of(package))), encoding="utf-8")
    data = package / "data" / "aduan.csv"
    data.write_text(data.read_text(encoding="utf-8").replace("35.73.02.1001", "35.73.09.1001"), encoding="utf-8")
    issues = portal_issues(datasets)["aduan"]
    assert [(i.code, i.row, i.field) for i in issues] == [("foreign-key", 4, "kode_kelurahan")]


def test_kecamatan_codes_link_to_the_kecamatan_table_and_other_columns_do_not(tmp_path, datasets):
    source = write_csv(tmp_path / "in", "2024 rekap.csv",
                       "kecamatan,kode_pos,wilayah_lain,jumlah_kelurahan,nama\n"
                       "35.73.01,065126,35.73.99,11,Blimbing\n"
                       "35.73.05,065126,35.73.01,12,Lowokwaru\n")
    d = descriptor_of(scaffold("rekap", [source], datasets))
    resource = d["resources"][0]
    assert resource["name"] == "t_2024_rekap"
    fields = fields_of(d)
    assert fields["kecamatan"]["referenceCodeList"] == "kode-wilayah-indonesia/kota_malang_kecamatan"
    assert resource["schema"]["foreignKeys"] == [{"fields": ["kecamatan"], "reference": {
        "package": "kode-wilayah-indonesia", "resource": "kota_malang_kecamatan", "fields": ["kode"]}}]
    for column in ("kode_pos", "wilayah_lain", "jumlah_kelurahan", "nama"):
        assert "referenceCodeList" not in fields[column], column
    # leading zeros keep a code as text; a count that happens to equal province codes stays a number
    assert fields["kode_pos"]["type"] == "string"
    assert fields["jumlah_kelurahan"]["type"] == "integer"
    # no id or unique kode_* column (kode_pos repeats): the first complete and unique one
    assert resource["schema"]["primaryKey"] == ["kecamatan"]


def test_region_codes_at_every_level(tmp_path, datasets):
    source = write_csv(tmp_path / "in", "wilayah.csv",
                       "no,kode_provinsi,kode_kota,kode_kelurahan\n1,35,35.73,35.73.05.1001\n2,11,35.07,\n")
    d = descriptor_of(scaffold("wilayah", [source], datasets))
    fields = fields_of(d)
    assert fields["kode_provinsi"] == {"name": "kode_provinsi", "type": "string", "title": "ISI: judul kolom",
                                       "description": "ISI: definisi kolom",
                                       "referenceCodeList": "kode-wilayah-indonesia/provinsi"}
    assert fields["kode_kota"]["referenceCodeList"] == "kode-wilayah-indonesia/kabupaten_kota"
    assert fields["kode_kelurahan"]["referenceCodeList"] == "kode-wilayah-indonesia/kota_malang_kelurahan"
    assert [fk["reference"]["resource"] for fk in d["resources"][0]["schema"]["foreignKeys"]] == [
        "provinsi", "kabupaten_kota", "kota_malang_kelurahan"]
    assert d["resources"][0]["schema"]["primaryKey"] == ["kode_provinsi"]


def test_without_reference_package_no_foreign_keys(tmp_path):
    datasets = tmp_path / "kosong"
    datasets.mkdir()
    d = descriptor_of(scaffold("x", [write_csv(tmp_path / "in", "x.csv", PENGADUAN)], datasets))
    assert d["resources"][0]["schema"]["foreignKeys"] == []
    assert fields_of(d)["kode_kelurahan"]["type"] == "string"


def test_semicolon_csv_keeps_its_dialect(tmp_path, datasets):
    source = write_csv(tmp_path / "in", "titik.csv",
                       "id;kode_kelurahan;nilai\n1;35.73.01.1001;2,5\n2;35.73.01.1002;3\n")
    package = scaffold("titik", [source], datasets)
    d = descriptor_of(package)
    assert d["resources"][0]["dialect"] == {"delimiter": ";"}
    assert fields_of(d)["kode_kelurahan"]["referenceCodeList"] == "kode-wilayah-indonesia/kota_malang_kelurahan"
    (package / "datapackage.json").write_text(json.dumps(fill(d)), encoding="utf-8")
    assert portal_issues(datasets)["titik"] == []


def test_refuses_an_existing_dataset_and_never_overwrites(tmp_path, datasets):
    source = write_csv(tmp_path / "in", "a.csv", PENGADUAN)
    with pytest.raises(ScaffoldError, match="sudah ada"):
        scaffold("kode-wilayah-indonesia", [source], datasets)
    assert (datasets / "kode-wilayah-indonesia" / "datapackage.json").read_bytes() == (
        REFERENCE / "datapackage.json").read_bytes()
    scaffold("a", [source], datasets)
    with pytest.raises(ScaffoldError, match="sudah ada"):
        scaffold("a", [source], datasets)


@pytest.mark.parametrize("name", ["Pengaduan", "data_baru", "-awal", "", "a/b", "x" * 65, "../luar"])
def test_refuses_a_bad_name(tmp_path, datasets, name):
    with pytest.raises(ScaffoldError, match="tidak sah"):
        scaffold(name, [write_csv(tmp_path / "in", "a.csv", PENGADUAN)], datasets)
    assert sorted(p.name for p in datasets.iterdir()) == ["kode-wilayah-indonesia"]


def test_refuses_a_missing_file_and_writes_nothing(tmp_path, datasets):
    good = write_csv(tmp_path / "in", "a.csv", PENGADUAN)
    with pytest.raises(ScaffoldError, match="tidak ada") as error:
        scaffold("baru", [good, tmp_path / "in" / "hilang.csv"], datasets)
    assert "hilang.csv" in str(error.value)
    assert not (datasets / "baru").exists()


def test_refuses_two_files_giving_one_table(tmp_path, datasets):
    a = write_csv(tmp_path / "in", "Data Aduan.csv", PENGADUAN)
    b = write_csv(tmp_path / "in2", "data-aduan.csv", PENGADUAN)
    with pytest.raises(ScaffoldError, match="data_aduan"):
        scaffold("baru", [a, b], datasets)
    assert not (datasets / "baru").exists()


def test_refuses_a_table_name_used_by_another_package(tmp_path, datasets):
    with pytest.raises(ScaffoldError, match="kode-wilayah-indonesia"):
        scaffold("baru", [write_csv(tmp_path / "in", "provinsi.csv", "kode,nama\n35,Jawa Timur\n")], datasets)
    assert not (datasets / "baru").exists()


def test_a_windows_1252_csv_is_converted_to_utf8(tmp_path, datasets):
    path = tmp_path / "latin.csv"
    path.write_bytes("id,nama\r\n1,Caf\xe9 \x93Sae\x94\r\n".encode("latin-1"))
    package, notes = new_package("latin", [path], datasets)
    assert (package / "data" / "latin.csv").read_bytes() == "id,nama\r\n1,Café “Sae”\r\n".encode("utf-8")
    assert any("Windows-1252" in note.text(lambda m, **v: m % v) for note in notes)


def test_bom_and_spreadsheet_headers_become_safe_names_with_their_titles(tmp_path, datasets):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffNo,Nama Kelurahan\n1,Arjosari\n".encode("utf-8"))
    package = scaffold("bom", [path], datasets)
    assert (package / "data" / "bom.csv").read_bytes() == b"no,nama_kelurahan\r\n1,Arjosari\r\n"
    d = descriptor_of(package)
    assert [(f["name"], f["title"]) for f in d["resources"][0]["schema"]["fields"]] == [
        ("no", "No"), ("nama_kelurahan", "Nama Kelurahan")]
    (package / "datapackage.json").write_text(json.dumps(fill(d)), encoding="utf-8")
    assert portal_issues(datasets)["bom"] == []


@pytest.mark.parametrize("stem, expected", [
    ("Pengaduan Warga 2024", "pengaduan_warga_2024"), ("2024-data", "t_2024_data"),
    ("kualitas.udara", "kualitas_udara"), ("___", "tabel"), ("Ünïcode", "unicode"),
])
def test_resource_name(stem, expected):
    assert resource_name(Path(f"{stem}.csv")) == expected


def test_placeholders_paths():
    d = {"title": "Judul", "x": [{"y": "ISI: isi"}], "resources": [{"schema": {"fields": [{}, {"title": " ISI"}]}}],
         "n": 3, "sample": True}
    assert placeholders(d) == [("x[0].y", "ISI: isi"), ("resources[0].schema.fields[1].title", " ISI")]


def test_recommended_placeholders_may_be_filled_or_deleted(tmp_path, datasets):
    scaffold("baru", [write_csv(tmp_path / "in", "baru.csv", PENGADUAN)], datasets)
    said = {i.field: i.template for i in portal_issues(datasets)["baru"] if i.code == "portal-placeholder"}
    assert "hapus properti anjuran" in said["title_en"] and "hapus properti anjuran" in said["temporal.start"]
    assert "hapus" not in said["title"]  # required: only filling it in will do
