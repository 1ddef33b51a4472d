"""Start a new data package from CSV files: `portal new` calls scaffold().

scaffold() copies the CSVs byte for byte into ``datasets/<name>/data/`` and writes a
``datapackage.json`` that already holds what can be inferred from the data (Table Schema
types, a primary key guess, links to the reference codes of ``kode-wilayah-indonesia``)
and, for everything a person must write, placeholder values starting with ``ISI``.

The placeholders are chosen so that publish refuses the package until they are filled:
ids such as ``ISI-id-penerbit`` are not listed in ``metadata/*.yaml``, and free text such
as ``ISI: judul dataset`` is reported by placeholders() (which `portal check` and publish
use to refuse descriptors that still hold one).
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from .intake.clean import CleanTable, clean_file
from .intake.codes import REFERENCE_PACKAGE, read_reference_codes
from .intake.names import safe_name
from .intake.notes import Note
from .intake.text import IntakeError
from .publish.descriptor import PACKAGE_NAME

PLACEHOLDER_PREFIX = "ISI"  # Indonesian for "fill in"


class ScaffoldError(Exception):
    """The package cannot be created; the message says why and what to do."""


def scaffold(name: str, csv_files: list[Path], datasets_dir: Path, reference_dir: Path | None = None,
             **reading) -> Path:
    """new_package() without its notes."""
    return new_package(name, csv_files, datasets_dir, reference_dir, **reading)[0]


def new_package(name: str, csv_files: list[Path], datasets_dir: Path, reference_dir: Path | None = None, *,
                header_row: int | None = None, no_header: bool = False, sheet: str | None = None
                ) -> tuple[Path, list[Note]]:
    """Create datasets_dir/name/ with each file's (CSV or .xlsx) clean table under data/ and a datapackage.json; return
    the folder and the notes of what was assumed or changed.

    A file already clean (UTF-8, one header of safe names, nothing around the table) is copied byte for
    byte. Nothing is written unless every file could be read; an existing folder is never touched."""
    datasets_dir = Path(datasets_dir)
    if not isinstance(name, str) or not PACKAGE_NAME.match(name):
        raise ScaffoldError(f"nama dataset {name!r} tidak sah: gunakan huruf kecil, angka dan '-' "
                            "(awali dengan huruf atau angka, paling banyak 64 karakter), "
                            "misalnya 'jumlah-penduduk-2024'")
    if not datasets_dir.is_dir():
        raise ScaffoldError(f"folder dataset {str(datasets_dir)!r} tidak ada")
    target = datasets_dir / name
    if target.exists() or target.is_symlink():
        raise ScaffoldError(f"dataset {name!r} sudah ada di {target}; pilih nama lain atau sunting datapackage.json "
                            "yang ada (scaffold tidak pernah menimpa)")
    resource_names = check_files([Path(f) for f in csv_files], datasets_dir)
    references = read_reference_codes(Path(reference_dir) if reference_dir else datasets_dir / REFERENCE_PACKAGE)
    tables: dict[str, CleanTable] = {}
    for resource, file in resource_names.items():
        try:
            tables[resource] = clean_file(file, references, header_row=header_row, no_header=no_header, sheet=sheet)
        except IntakeError as error:
            raise ScaffoldError(str(error)) from None
    descriptor = package_descriptor(name, [resource_descriptor(resource, table) for resource, table in tables.items()])
    notes = [note for table in tables.values() for note in table.notes]
    target.mkdir()  # raises if someone created it meanwhile: still never overwrite
    try:
        (target / "data").mkdir()
        for resource, table in tables.items():
            write_table(resource_names[resource], table, target / "data" / f"{resource}.csv")
        (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n",
                                                 encoding="utf-8")
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return target, notes


def check_files(files: list[Path], datasets_dir: Path) -> dict[str, Path]:
    """Table name -> file; refused when a file is missing or two tables would share a name."""
    if not files:
        raise ScaffoldError("berikan paling sedikit satu berkas CSV")
    resource_names: dict[str, Path] = {}
    for file in files:
        if not file.is_file():
            raise ScaffoldError(f"berkas CSV {str(file)!r} tidak ada")
        resource = resource_name(file)
        if resource in resource_names:
            raise ScaffoldError(f"{resource_names[resource]} dan {file} sama-sama menjadi tabel {resource!r}; "
                                "ganti nama salah satu berkas")
        resource_names[resource] = file
    taken = _portal_resource_names(datasets_dir)
    for resource, file in resource_names.items():
        if resource in taken:
            raise ScaffoldError(f"tabel {resource!r} (dari {file.name}) sudah dipakai dataset {taken[resource]!r}; "
                                "nama tabel harus unik di seluruh portal, ganti nama berkas CSV")
    return resource_names


def write_table(source: Path, table: CleanTable, path: Path) -> None:
    """The clean table as UTF-8 CSV with the file's own delimiter, or the file itself when already clean."""
    if not table.changed:
        shutil.copyfile(source, path)
        return
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, delimiter=table.delimiter, lineterminator="\r\n")
        writer.writerow([f["name"] for f in table.fields])
        writer.writerows(table.rows)


def resource_name(file: Path) -> str:
    """The file stem as a lower-case SQL identifier, as column names are made; 't_' before a leading digit."""
    return safe_name(Path(file).stem, digit_prefix="t_", years=False) or "tabel"


def placeholders(descriptor: dict) -> list[tuple[str, str]]:
    """(json path, value) of every string still starting with PLACEHOLDER_PREFIX, in document order.

    Paths read like ``title``, ``licenses[0].name`` or ``resources[0].schema.fields[2].description``.
    """
    found: list[tuple[str, str]] = []

    def walk(value, path: str) -> None:
        if isinstance(value, str):
            if value.lstrip().startswith(PLACEHOLDER_PREFIX):
                found.append((path, value))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{path}[{index}]")

    walk(descriptor, "")
    return found


def _portal_resource_names(datasets_dir: Path) -> dict[str, str]:
    """Table name -> package, over the packages already in datasets_dir (unreadable ones are skipped)."""
    owners = {}
    for descriptor_file in sorted(datasets_dir.glob("*/datapackage.json")):
        try:
            descriptor = json.loads(descriptor_file.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError, OSError):
            continue
        for resource in descriptor.get("resources", []) if isinstance(descriptor, dict) else []:
            if isinstance(resource, dict) and isinstance(resource.get("name"), str):
                owners.setdefault(resource["name"], descriptor_file.parent.name)
    return owners


# --- the descriptor ----------------------------------------------------------------------------------------------


def resource_descriptor(name: str, table: CleanTable) -> dict:
    """Path, format, dialect and schema of one clean table, with placeholders for its title and description;
    the file's own title rows and footnotes are quoted in them so nothing it said is lost."""
    schema: dict = {"fields": table.fields}
    if table.missing_values != [""]:
        schema["missingValues"] = table.missing_values
    if table.primary_key:
        schema["primaryKey"] = table.primary_key
    schema["foreignKeys"] = table.foreign_keys
    resource = {"name": name, "path": f"data/{name}.csv", "profile": "tabular-data-resource", "format": "csv",
                "mediatype": "text/csv", "encoding": "utf-8"}
    if table.delimiter != ",":
        resource["dialect"] = {"delimiter": table.delimiter}
    title, description = "ISI: judul tabel", "ISI: deskripsi tabel."
    if table.table.titles:
        title += " (judul di berkas: " + " / ".join(table.table.titles) + ")"
    if table.table.footnotes:  # kept after the placeholder: the publisher replaces only the ISI part
        description += " Catatan di berkas: " + " / ".join(table.table.footnotes)
    resource.update({"title": title, "description": description, "schema": schema})
    return resource


def package_descriptor(name: str, resources: list[dict]) -> dict:
    """Every required and recommended profile property (portal/profile.py), with values publish refuses
    until a person writes them: a recommended one left out would lower the quality score unseen, so it
    is there to fill or to delete on purpose."""
    return {
        "profile": "tabular-data-package",
        "name": name,
        "title": "ISI: judul dataset",
        "title_en": "ISI: English title",
        "description": "ISI: deskripsi dataset: apa isinya, dari mana asalnya, catatan dan keterbatasannya",
        "description_en": "ISI: English description",
        "publisher": "ISI-id-penerbit",
        "author": "ISI-id-produsen-data",
        "maintainer": "ISI-id-walidata",
        "themes": ["ISI-dimensi"],
        "licenses": [{"name": "ISI-id-lisensi"}],
        "sources": [{"title": "ISI: sumber data", "path": "ISI: URL sumber"}],
        "accrualPeriodicity": "ISI: once|daily|weekly|monthly|quarterly|annual|irregular",
        "accessRights": "terbuka",
        "temporal": {"start": "ISI: YYYY-MM-DD awal periode data", "end": "ISI: YYYY-MM-DD akhir periode data"},
        "spatial": {"kode_wilayah": "ISI: kode wilayah Kemendagri, mis. 35.73", "nama": "ISI: mis. Kota Malang"},
        "modified": "ISI: YYYY-MM-DD terakhir data diubah produsennya",
        "dasar_hukum": ["ISI: dasar hukum atau program, mis. Perwali ..."],
        "data_prioritas": "ISI: true bila ditetapkan Data Prioritas, false bila tidak",
        "konsep": "ISI: konsep yang diukur",
        "definisi": "ISI: definisi satu record atau besaran utama",
        "satuan": "ISI: satuan ukuran utama",
        "ukuran": "ISI: ukuran (jumlah, persentase, daftar...)",
        "metodologi": "ISI: cara data dihasilkan atau dikompilasi",
        "keywords": ["ISI: kata kunci"],
        "resources": resources,
    }
