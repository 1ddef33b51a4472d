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
import re
import shutil
import unicodedata
from pathlib import Path

from frictionless import Detector, FrictionlessException, Resource

from .publish.descriptor import PACKAGE_NAME

PLACEHOLDER_PREFIX = "ISI"  # Indonesian for "fill in"

REFERENCE_PACKAGE = "kode-wilayah-indonesia"
# Most specific first: a kelurahan code is never mistaken for a shorter one.
REFERENCE_TABLES = ("kota_malang_kelurahan", "kota_malang_kecamatan", "kabupaten_kota", "provinsi")
REFERENCE_KEY = "kode"

# Columns holding identifiers written with digits: kept as text so "007" or "35.73" stay as written.
CODE_NAME = re.compile(r"^kode|^(nik|nip|npwp)(_|$)|_kode$")
LEADING_ZERO = re.compile(r"^[+-]?0[0-9]")
NUMERIC_TYPES = {"integer", "number", "year", "boolean"}
# A column frictionless reads as numbers is linked to reference codes only when its name says it is a code:
# otherwise a count such as jumlah_kelurahan = 11, 12, 35 would "match" province codes.
CODE_LIKE_NAME = re.compile(r"kode|wilayah")


class ScaffoldError(Exception):
    """The package cannot be created; the message says why and what to do."""


def scaffold(name: str, csv_files: list[Path], datasets_dir: Path, reference_dir: Path | None = None) -> Path:
    """Create datasets_dir/name/ with the CSVs copied under data/ and a datapackage.json; return the folder.

    Nothing is written unless every CSV could be read; an existing folder is never touched.
    """
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
    files = [Path(f) for f in csv_files]
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

    if reference_dir is None:
        reference_dir = datasets_dir / REFERENCE_PACKAGE
    references = read_reference_codes(Path(reference_dir))
    resources = [describe_csv(resource, file, references) for resource, file in resource_names.items()]
    descriptor = package_descriptor(name, resources)

    target.mkdir()  # raises if someone created it meanwhile: still never overwrite
    try:
        (target / "data").mkdir()
        for resource, file in resource_names.items():
            shutil.copyfile(file, target / "data" / f"{resource}.csv")
        (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n",
                                                 encoding="utf-8")
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return target


def resource_name(file: Path) -> str:
    """The file stem as a lower-case SQL identifier: accents dropped, other characters become '_',
    't_' before a leading digit."""
    stem = unicodedata.normalize("NFKD", Path(file).stem).encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^a-z0-9_]", "_", stem.lower())
    name = re.sub(r"_+", "_", name).strip("_")
    if not name:
        name = "tabel"
    if not name[0].isalpha():
        name = "t_" + name
    return name[:63].rstrip("_")


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


# --- reading the data --------------------------------------------------------------------------------------------


def read_reference_codes(reference_dir: Path) -> list[tuple[str, str, frozenset[str]]]:
    """(package, resource, codes) of the reference tables, most specific first; empty when absent."""
    descriptor_file = reference_dir / "datapackage.json"
    if not descriptor_file.is_file():
        return []
    try:
        descriptor = json.loads(descriptor_file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return []
    package = descriptor.get("name") or REFERENCE_PACKAGE
    paths = {r.get("name"): r.get("path") for r in descriptor.get("resources", []) if isinstance(r, dict)}
    tables = []
    for table in REFERENCE_TABLES:
        relative = paths.get(table)
        path = reference_dir / (relative if isinstance(relative, str) and relative else f"data/{table}.csv")
        if not path.is_file():
            continue
        with open(path, newline="", encoding="utf-8-sig") as file:
            codes = frozenset(row[REFERENCE_KEY] for row in csv.DictReader(file) if row.get(REFERENCE_KEY))
        if codes:
            tables.append((package, table, codes))
    return tables


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


def _not_utf8(file: Path, error: UnicodeDecodeError) -> ScaffoldError:
    return ScaffoldError(f"{file} bukan UTF-8 ({error.reason} pada byte {error.start}); portal hanya menerbitkan "
                         "CSV UTF-8: simpan ulang berkas sebagai 'CSV UTF-8'")


def _count_lines(file: Path) -> int:
    """Lines of the file, which must be UTF-8 (checked here, before frictionless guesses another encoding)."""
    try:
        with open(file, encoding="utf-8-sig", newline="") as handle:
            return sum(1 for _ in handle)
    except UnicodeDecodeError as error:
        raise _not_utf8(file, error) from error


def _read_columns(file: Path, delimiter: str) -> tuple[list[str], list[list[str]]]:
    """The header and, per column, every cell as written ('' for a missing one)."""
    try:
        with open(file, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, delimiter=delimiter)
            header = next(reader, None)
            if not header or not any(h.strip() for h in header):
                raise ScaffoldError(f"{file} tidak punya baris judul kolom (header)")
            columns: list[list[str]] = [[] for _ in header]
            for row in reader:
                if not row:
                    continue
                for index, column in enumerate(columns):
                    column.append(row[index] if index < len(row) else "")
    except UnicodeDecodeError as error:
        raise _not_utf8(file, error) from error
    except csv.Error as error:
        raise ScaffoldError(f"{file} tidak dapat dibaca sebagai CSV: {error}") from error
    return header, columns


def _infer_schema(file: Path, rows: int) -> tuple[list[dict], str]:
    """Frictionless' fields (name, type) over every row, and the detected delimiter."""
    detector = Detector(sample_size=max(rows, 1) + 1, field_confidence=1.0)
    try:
        resource = Resource(path=file.name, basepath=str(file.parent.resolve()), format="csv", encoding="utf-8",
                            detector=detector)
        resource.infer()
    except FrictionlessException as error:
        raise ScaffoldError(f"frictionless tidak dapat membaca {file}: {error.error.message}") from error
    delimiter = ","
    try:
        delimiter = resource.dialect.get_control("csv").delimiter or ","
    except (FrictionlessException, AttributeError):
        pass
    fields = [{"name": f.name, "type": f.type} for f in resource.schema.fields]
    return fields, delimiter


def describe_csv(name: str, file: Path, references) -> dict:
    """The resource descriptor of one CSV: path, format, schema with placeholders and guessed keys."""
    lines = _count_lines(file)  # at least the number of rows: frictionless infers types over all of them
    inferred, delimiter = _infer_schema(file, lines)
    _, columns = _read_columns(file, delimiter)
    fields, foreign_keys = [], []
    for index, inferred_field in enumerate(inferred):
        values = columns[index] if index < len(columns) else []
        column = inferred_field["name"]
        kind = inferred_field["type"]
        present = [v for v in values if v != ""]
        code_named = bool(CODE_NAME.search(column))
        if kind in NUMERIC_TYPES and (code_named or any(LEADING_ZERO.match(v) for v in present)):
            kind = "string"
        field = {"name": column, "type": kind, "title": "ISI: judul kolom", "description": "ISI: definisi kolom"}
        link = None
        if present and (kind == "string" or CODE_LIKE_NAME.search(column)):
            distinct = set(present)
            link = next(((package, table) for package, table, codes in references if distinct <= codes), None)
        if link:
            field["type"] = "string"
            field["referenceCodeList"] = f"{link[0]}/{link[1]}"
            foreign_keys.append({"fields": [column],
                                 "reference": {"package": link[0], "resource": link[1], "fields": [REFERENCE_KEY]}})
        fields.append(field)
    schema: dict = {"fields": fields}
    key = guess_primary_key(fields, columns)
    if key:
        schema["primaryKey"] = [key]
    schema["foreignKeys"] = foreign_keys
    resource = {
        "name": name,
        "path": f"data/{name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
    }
    if delimiter != ",":
        resource["dialect"] = {"delimiter": delimiter}
    resource.update({"title": "ISI: judul tabel", "description": "ISI: deskripsi tabel", "schema": schema})
    return resource


def _key_preference(column: str) -> int:
    if column in ("id", "kode"):
        return 0
    if column.endswith("_id") or column.startswith("id_"):
        return 1
    if column.startswith("kode"):
        return 2
    return 3


def guess_primary_key(fields: list[dict], columns: list[list[str]]) -> str | None:
    """The column whose values are all present and unique, preferring id, kode, *_id, kode_*, then column order.

    Decimal numbers and booleans are never guessed; nothing is guessed for a table without rows.
    """
    candidates = []
    for index, field in enumerate(fields):
        values = columns[index] if index < len(columns) else []
        if not values or field["type"] in ("number", "boolean") or "" in values or len(set(values)) != len(values):
            continue
        candidates.append((_key_preference(field["name"]), index, field["name"]))
    return min(candidates)[2] if candidates else None


# --- the descriptor ----------------------------------------------------------------------------------------------


def package_descriptor(name: str, resources: list[dict]) -> dict:
    """Every required profile property, with values publish refuses until a person writes them."""
    return {
        "profile": "tabular-data-package",
        "name": name,
        "title": "ISI: judul dataset",
        "description": "ISI: deskripsi dataset: apa isinya, dari mana asalnya, catatan dan keterbatasannya",
        "publisher": "ISI-id-penerbit",
        "author": "ISI-id-produsen-data",
        "maintainer": "ISI-id-walidata",
        "themes": ["ISI-dimensi"],
        "licenses": [{"name": "ISI-id-lisensi"}],
        "sources": [{"title": "ISI: sumber data", "path": "ISI: URL sumber"}],
        "accrualPeriodicity": "ISI: once|daily|weekly|monthly|quarterly|annual|irregular",
        "accessRights": "terbuka",
        "konsep": "ISI: konsep yang diukur",
        "definisi": "ISI: definisi satu record atau besaran utama",
        "satuan": "ISI: satuan ukuran utama",
        "ukuran": "ISI: ukuran (jumlah, persentase, daftar...)",
        "metodologi": "ISI: cara data dihasilkan atau dikompilasi",
        "keywords": [],
        "resources": resources,
    }
