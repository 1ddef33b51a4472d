"""frictionless' errors as the portal's issues: frictionless' English message kept as it is, beside an
Indonesian one for the common error codes (its note translated when it has a known shape), and a
descriptor frictionless refuses reported with each of its reasons at the property it names, never as
a bare "descriptor is not valid"."""

from __future__ import annotations

import re

from frictionless import Field, FrictionlessException, Resource

from ..messages import text, translate
from ..profile import N_
from .report import Issue

# Indonesian for frictionless' templates; the slots are the error's row, field, position, cell, label, note.
TEMPLATES = {
    "type-error": N_("Sel \"%(cell)s\" di baris %(row)s, kolom \"%(field)s\" (ke-%(position)s), tidak sesuai tipe "
                     "kolom: %(note)s"),
    "constraint-error": N_("Sel \"%(cell)s\" di baris %(row)s, kolom \"%(field)s\" (ke-%(position)s), melanggar "
                           "batasan: %(note)s"),
    "missing-cell": N_("Baris %(row)s tidak punya sel untuk kolom \"%(field)s\" (ke-%(position)s)"),
    "extra-cell": N_("Baris %(row)s punya sel lebih di posisi %(position)s"),
    "blank-row": N_("Baris %(row)s kosong seluruhnya"),
    "duplicate-label": N_("Judul kolom \"%(label)s\" di posisi %(position)s ganda: %(note)s"),
    "incorrect-label": N_("Judul kolom \"%(label)s\" di posisi %(position)s tidak sama dengan nama kolom "
                          "\"%(field)s\" di skema"),
    "missing-label": N_("Header tidak punya judul untuk kolom \"%(field)s\" (ke-%(position)s)"),
    "extra-label": N_("Header punya judul kolom lebih \"%(label)s\" di posisi %(position)s"),
    "blank-label": N_("Judul kolom di posisi %(position)s kosong"),
    "primary-key": N_("Baris %(row)s melanggar kunci primer: %(note)s"),
    "foreign-key": N_("Baris %(row)s melanggar kunci asing: %(note)s"),
    "unique-error": N_("Baris %(row)s melanggar keunikan kolom \"%(field)s\" (ke-%(position)s): %(note)s"),
    "row-constraint": N_("Baris %(row)s bermasalah: %(note)s"),
    "encoding-error": N_("Sumber data tidak dapat didekode: %(note)s"),
    "source-error": N_("Isi sumber data tidak didukung atau tidak konsisten: %(note)s"),
    "scheme-error": N_("Sumber data tidak dapat dimuat: %(note)s"),
    "format-error": N_("Sumber data tidak dapat diurai: %(note)s"),
    "schema-error": N_("Skema tidak valid: %(note)s"),
    "field-error": N_("Definisi kolom tidak valid: %(note)s"),
    "package-error": N_("Paket data bermasalah: %(note)s"),
    "resource-error": N_("Resource data bermasalah: %(note)s"),
    "dialect-error": N_("Dialek CSV tidak valid: %(note)s"),
    "control-error": N_("Dialek CSV tidak valid: %(note)s"),
}

# frictionless' (and jsonschema's) notes of known shape; the groups fill the Indonesian slots. The third
# item, when there is one, is the property the note is about (for a descriptor's reasons): a name, or a
# function of the match.
NOTES = [
    (re.compile(r'^type is "(?P<type>[^"]*)"$'), N_("harus bertipe \"%(type)s\""), None),
    (re.compile(r'^constraint "(?P<name>\w+)" is "(?P<value>.*)"$', re.S),
     N_("batasan \"%(name)s\" bernilai \"%(value)s\""), None),
    (re.compile(r"^the same as in the row at position (?P<row>\d+)$"), N_("sama dengan baris %(row)s"), None),
    (re.compile(r'^cells composing the primary keys are all "None"$'), N_("semua sel kunci primer kosong"), None),
    (re.compile(r'^for "(?P<fields>.*)": values "(?P<values>.*)" not found in the lookup table "(?P<table>.*)" as '
                r'"(?P<key>.*)"$', re.S),
     N_("untuk \"%(fields)s\": nilai \"%(values)s\" tidak ada di tabel rujukan \"%(table)s\" sebagai \"%(key)s\""),
     None),
    (re.compile(r'^at position "(?P<position>\d+)"$'), N_("sama dengan judul di posisi %(position)s"), None),
    (re.compile(r"^'(?P<codec>[^']+)' codec can't decode byte (?P<byte>0x[0-9a-f]+) in position (?P<position>\d+): "
                r"(?P<reason>.*)$"), N_("byte %(byte)s di posisi %(position)s bukan %(codec)s (%(reason)s)"), None),
    (re.compile(r"^\[Errno 2\] No such file or directory: (?P<path>.*)$"), N_("berkas tidak ada: %(path)s"), None),
    (re.compile(r"^(?P<value>.+) is not of type (?P<type>.+)$", re.S), N_("%(value)s bukan bertipe %(type)s"), None),
    (re.compile(r"^'(?P<name>[^']+)' is a required property$"), N_("properti '%(name)s' wajib ada"),
     lambda match: match["name"]),
    (re.compile(r"^(?P<value>.+) is not one of (?P<choices>\[.*\])$", re.S),
     N_("%(value)s bukan salah satu dari %(choices)s"), None),
    (re.compile(r"^(?P<value>.+) does not match (?P<pattern>'.*')$", re.S),
     N_("%(value)s tidak cocok dengan pola %(pattern)s"), None),
    (re.compile(r"^(?P<value>.+) is not valid under any of the given schemas$", re.S),
     N_("%(value)s tidak berbentuk seperti yang diizinkan"), None),
    (re.compile(r'^license requires "path" or "name": (?P<value>.*)$', re.S),
     N_("lisensi harus punya \"path\" atau \"name\": %(value)s"), "licenses"),
    (re.compile(r'^primary key "(?P<key>.*)" does not match the fields "(?P<fields>.*)"$'),
     N_("kunci primer \"%(key)s\" tidak cocok dengan kolom \"%(fields)s\""), "primaryKey"),
    (re.compile(r'^foreign key fields "(?P<fields>.*)" does not match the reference fields "(?P<reference>.*)"$'),
     N_("kolom kunci asing \"%(fields)s\" tidak cocok dengan kolom rujukan \"%(reference)s\""), "foreignKeys"),
    (re.compile(r'^field type "(?P<type>.*)" is not supported$'), N_("tipe kolom \"%(type)s\" tidak dikenal"), "type"),
    (re.compile(r'^failed to handle a foreign key for resource "(?P<resource>.*)" as resource "(?P<reference>.*)" '
                r'does not exist$'),
     N_("kunci asing tabel \"%(resource)s\" merujuk tabel \"%(reference)s\" yang tidak ada"), None),
]
AT_PROPERTY = re.compile(r"^(?P<note>.*) at property '(?P<pointer>[^']*)'$", re.S)


def note_text(note: str) -> dict | str:
    """The note as a nested message when its shape is known, else frictionless' English words."""
    for pattern, template, _ in NOTES:
        match = pattern.match(note)
        if match:
            return text(template, **{k: int(v) if v.isdigit() else v for k, v in match.groupdict().items()})
    return note


def error_issue(file: str, error, field: str | None = None) -> Issue:
    """One of frictionless' errors, its message as frictionless wrote it."""
    field = field or getattr(error, "field_name", None) or ",".join(getattr(error, "field_names", []) or []) or None
    cell = getattr(error, "cell", None)
    row = getattr(error, "row_number", None)
    template = TEMPLATES.get(error.type, "")
    params = {"cell": "" if cell is None else str(cell), "row": row if row is not None else "",
              "field": field or "", "position": getattr(error, "field_number", None) or "",
              "label": getattr(error, "label", None) or "", "note": note_text(error.note or "")} if template else {}
    return Issue(file, error.type, error.message, row=row, field=field, cell=None if cell is None else str(cell),
                 template=template, params=params)


def descriptor_issues(file: str, descriptor: dict, refusal: FrictionlessException) -> list[Issue]:
    """Why frictionless refused a descriptor: one issue per reason, at the property it names."""
    located = [(where, reason) for where, reason in _locate(descriptor)]
    located += [("", reason) for reason in refusal.reasons if reason.type == "package-error"]
    if not located:  # reasons we could not place: as frictionless gave them
        located = [("", reason) for reason in refusal.reasons] or [("", refusal.error)]
    return [_descriptor_issue(file, where, reason) for where, reason in located]


def _locate(descriptor: dict):
    """(where, error) for what frictionless finds wrong in each resource, down to the field."""
    for index, resource in enumerate(descriptor.get("resources", [])):
        if not isinstance(resource, dict):
            continue
        for error in Resource.validate_descriptor(resource).errors:
            where = f"resources[{index}]"
            if error.type == "field-error":
                where += _field_of(resource, error.note)
            elif error.type == "schema-error":
                where += ".schema"
            elif error.type in ("dialect-error", "control-error"):
                where += ".dialect"
            yield where, error


def _field_of(resource: dict, note: str) -> str:
    fields = (resource.get("schema") or {}).get("fields") or []
    for index, field in enumerate(fields if isinstance(fields, list) else []):
        if isinstance(field, dict) and any(e.note == note for e in Field.validate_descriptor(field).errors):
            return f".schema.fields[{index}]"
    return ".schema"


def reason_at(where: str, reason) -> tuple[str, str]:
    """(property, note) of one of frictionless' reasons about the object at ``where``."""
    note = reason.note or reason.message
    match = AT_PROPERTY.match(note)
    if match:  # jsonschema's pointer, relative to the object checked: a/0/b
        pointer = re.sub(r"/(\d+)(?=/|$)", r"[\1]", match["pointer"]).replace("/", ".")
        return _join(where, pointer), match["note"]
    return _join(where, _property_named(note)), note


def _descriptor_issue(file: str, where: str, reason) -> Issue:
    where, note = reason_at(where, reason)
    if where:
        template, params = N_("Deskriptor tidak valid di properti %(property)s: %(note)s"), {"property": where}
    else:
        template, params = N_("Deskriptor tidak valid: %(note)s"), {}
    # English keeps frictionless' own note; Indonesian translates it when its shape is known.
    english = translate(template, "en", **params, note=note)
    return Issue(file, reason.type, english, field=where or None, template=template,
                 params={**params, "note": note_text(note)})


def _property_named(note: str) -> str:
    for pattern, _, prop in NOTES:
        match = pattern.match(note) if prop else None
        if match:
            return prop(match) if callable(prop) else prop
    return ""


def _join(where: str, prop: str) -> str:
    if not prop:
        return where
    if not where:
        return prop.lstrip(".")
    return where + (prop if prop.startswith("[") else "." + prop)
