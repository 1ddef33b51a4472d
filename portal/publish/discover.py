"""Stage 1: find the data packages and refuse unsafe resource paths before reading any data."""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..messages import issue, text
from ..profile import DESCRIPTOR_NAMES, N_
from .report import Issue

URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# Descriptors are read whole: they are metadata, so a small cap and a shallow nesting are plenty.
MAX_DESCRIPTOR_BYTES = 5_000_000
MAX_DESCRIPTOR_DEPTH = 32
# Shell-like path syntax: nothing is expanded, so such a path is refused rather than read literally.
MALFORMED = ("portal-no-resources", "portal-descriptor")  # issues after which a descriptor is not used
SHELL_SYNTAX = re.compile(r"^~|\$|%[A-Za-z_]+%")


@dataclass
class PackageSource:
    """One package folder as found on disk (not yet validated)."""

    name: str  # the folder name; the descriptor's name must equal it
    folder: Path
    descriptor_file: Path | None = None
    descriptor: dict | None = None
    issues: list[Issue] = field(default_factory=list)
    rewritten: bool = False  # descriptor changed since it was read (licences.py): published as written here

    def resource_file(self, resource: dict) -> Path:
        return self.folder / resource["path"]


def discover(datasets_dir: Path) -> list[PackageSource]:
    """Every sub-folder of ``datasets_dir`` is one package, in name order."""
    sources = []
    for folder in sorted(p for p in Path(datasets_dir).iterdir() if p.is_dir() and not p.name.startswith(".")):
        sources.append(read_package(folder))
    return sources


def read_package(folder: Path) -> PackageSource:
    source = PackageSource(name=folder.name, folder=folder)
    if folder.is_symlink():
        source.issues.append(issue(str(folder), "portal-unsafe-path", N_("folder paket adalah tautan simbolik")))
        return source
    found = [folder / n for n in DESCRIPTOR_NAMES if (folder / n).is_file()]
    if not found:
        source.issues.append(issue(str(folder), "portal-missing-descriptor",
                                   N_("tidak ada datapackage.json (atau datapackage.yaml) di folder ini")))
        return source
    if len(found) > 1:  # which one is meant is the publisher's choice, not the portal's
        source.issues.append(issue(str(folder), "portal-two-descriptors",
                                   N_("%(files)s sama-sama ada di folder ini: simpan satu saja"),
                                   files=" + ".join(f.name for f in found)))
        return source
    descriptor_file = found[0]
    source.descriptor_file = descriptor_file
    if descriptor_file.is_symlink():
        source.issues.append(issue(str(descriptor_file), "portal-unsafe-path", N_("deskriptor adalah tautan simbolik")))
        return source
    size = descriptor_file.stat().st_size
    if size > MAX_DESCRIPTOR_BYTES:
        source.issues.append(issue(str(descriptor_file), "portal-file-too-large",
                                   N_("deskriptor berukuran %(size)s byte; batasnya %(limit)s byte"), size=size,
                                   limit=MAX_DESCRIPTOR_BYTES))
        return source
    try:
        descriptor = parse_descriptor(descriptor_file)
    except (ValueError, yaml.YAMLError, UnicodeDecodeError, RecursionError) as error:
        reason = text(N_("bersarang terlalu dalam")) if isinstance(error, RecursionError) else str(error)
        source.issues.append(issue(str(descriptor_file), "portal-descriptor-syntax",
                                   N_("tidak dapat diurai: %(reason)s"), reason=reason))
        return source
    if not isinstance(descriptor, dict):
        source.issues.append(issue(str(descriptor_file), "portal-descriptor-syntax",
                                   N_("harus berupa objek ({...}), bukan %(type)s"), type=json_type(descriptor)))
        return source
    if nesting_depth(descriptor) > MAX_DESCRIPTOR_DEPTH:
        source.issues.append(issue(str(descriptor_file), "portal-descriptor-syntax",
                                   N_("bersarang lebih dari %(limit)s tingkat"), limit=MAX_DESCRIPTOR_DEPTH))
        return source
    source.issues.extend(check_resource_paths(folder, descriptor_file, descriptor))
    source.issues.extend(check_shape(descriptor_file, descriptor))
    # The other checks read the descriptor as a Data Package: they get only well-formed ones.
    if not any(issue.code in MALFORMED for issue in source.issues):
        source.descriptor = descriptor
    return source


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without anchors and aliases: a few aliased lines can expand to gigabytes (billion laughs)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed", event.start_mark)
        return super().compose_node(parent, index)


def parse_descriptor(descriptor_file: Path):
    """The descriptor as JSON values: YAML dates, sets or binary become what JSON would hold."""
    text = descriptor_file.read_text(encoding="utf-8")
    if descriptor_file.suffix == ".json":
        return json.loads(text)
    return json.loads(json.dumps(yaml.load(text, Loader=_NoAliasLoader), default=str))


def json_type(value) -> dict | str:
    kinds = {list: N_("sebuah daftar"), str: N_("sebuah teks"), int: N_("sebuah angka"), float: N_("sebuah angka")}
    if type(value) in kinds:
        return text(kinds[type(value)])
    return {bool: "true/false", type(None): "null"}.get(type(value), type(value).__name__)


def nesting_depth(value) -> int:
    depth, level = 0, [value]
    while level:
        depth += 1
        level = [child for item in level if isinstance(item, (dict, list))
                 for child in (item.values() if isinstance(item, dict) else item)
                 if isinstance(child, (dict, list))]
    return depth


def _is_key(value) -> bool:
    """A Table Schema key: one field name, or a list of them."""
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def check_shape(descriptor_file: Path, descriptor: dict) -> list[Issue]:
    """The structure the stages rely on: resources, schemas, fields, keys and dialects of the right JSON
    types, inline (a schema or dialect given as a path or URL would be fetched: it is refused)."""
    issues = []

    def problem(template, where, **params):
        issues.append(issue(str(descriptor_file), "portal-descriptor", template, field=where, **params))

    resources = descriptor.get("resources")
    for index, resource in enumerate(resources if isinstance(resources, list) else []):
        where = f"resources[{index}]"
        if not isinstance(resource, dict):
            continue  # reported with the path check
        if not isinstance(resource.get("name"), str):
            problem(N_("resource perlu name (sebuah teks)"), f"{where}.name")
        for key in ("schema", "dialect"):
            if key in resource and not isinstance(resource[key], dict):
                problem(N_("%(key)s harus ditulis langsung sebagai objek; path dan URL tidak dibaca"), f"{where}.{key}",
                        key=key)
        if "views" in resource and not isinstance(resource["views"], list):
            problem(N_("%(key)s harus berupa daftar"), f"{where}.views", key="views")
        dialect = resource.get("dialect")
        if isinstance(dialect, dict):
            for key in ("delimiter", "quoteChar"):
                if key in dialect and not (isinstance(dialect[key], str) and len(dialect[key]) == 1):
                    problem(N_("%(key)s harus satu karakter"), f"{where}.dialect.{key}", key=key)
            if "doubleQuote" in dialect and not isinstance(dialect["doubleQuote"], bool):
                problem(N_("%(key)s harus true atau false"), f"{where}.dialect.doubleQuote", key="doubleQuote")
        schema = resource.get("schema")
        if not isinstance(schema, dict):
            continue
        fields = schema.get("fields")
        if not isinstance(fields, list):
            problem(N_("schema.fields harus berupa daftar definisi kolom"), f"{where}.schema.fields")
            fields = []
        for j, field in enumerate(fields):
            at = f"{where}.schema.fields[{j}]"
            if not isinstance(field, dict) or not isinstance(field.get("name"), str):
                problem(N_("definisi kolom harus berupa objek dengan name (sebuah teks)"), at)
                continue
            for key in ("type", "format"):
                if key in field and not isinstance(field[key], str):
                    problem(N_("%(key)s harus berupa teks"), f"{at}.{key}", key=key)
            if "constraints" in field and not isinstance(field["constraints"], dict):
                problem(N_("%(key)s harus berupa objek"), f"{at}.constraints", key="constraints")
            for key in ("trueValues", "falseValues", "missingValues"):
                if key in field and not (isinstance(field[key], list) and all(isinstance(v, str) for v in field[key])):
                    problem(N_("%(key)s harus berupa daftar teks"), f"{at}.{key}", key=key)
        if "missingValues" in schema and not (isinstance(schema["missingValues"], list)
                                               and all(isinstance(v, str) for v in schema["missingValues"])):
            problem(N_("%(key)s harus berupa daftar teks"), f"{where}.schema.missingValues", key="missingValues")
        if "primaryKey" in schema and not _is_key(schema["primaryKey"]):
            problem(N_("primaryKey harus berupa nama kolom atau daftar nama kolom"), f"{where}.schema.primaryKey")
        keys = schema.get("foreignKeys", [])
        if not isinstance(keys, list):
            problem(N_("%(key)s harus berupa daftar"), f"{where}.schema.foreignKeys", key="foreignKeys")
            keys = []
        for j, key in enumerate(keys):
            reference = key.get("reference") if isinstance(key, dict) else None
            if not (isinstance(reference, dict) and _is_key(key.get("fields")) and _is_key(reference.get("fields"))
                    and all(isinstance(reference.get(k, ""), str) for k in ("resource", "package"))):
                problem(N_("kunci asing perlu fields dan reference {resource, fields} (package boleh ada)"),
                        f"{where}.schema.foreignKeys[{j}]")
    return issues


def check_resource_paths(folder: Path, descriptor_file: Path, descriptor: dict) -> list[Issue]:
    issues = []
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        return [issue(str(descriptor_file), "portal-no-resources", N_("paket tidak mendaftar resource apa pun"),
                      field="resources")]
    for index, resource in enumerate(resources):
        label = f"resources[{index}].path"
        if not isinstance(resource, dict):
            issues.append(issue(str(descriptor_file), "portal-descriptor", N_("resource harus berupa objek"), field=label))
            continue
        reason = unsafe_path_reason(folder, resource.get("path"))
        if reason:
            template, params = reason
            issues.append(issue(str(descriptor_file), "portal-unsafe-path", template, field=label, **params))
    return issues


def unsafe_path_reason(folder: Path, path: object) -> tuple[str, dict] | None:
    """Why ``path`` may not be read from ``folder`` (a message and its values), or None when it is safe."""
    if not isinstance(path, str) or not path:
        return N_("setiap resource perlu satu path berkas lokal (sebuah teks)"), {}
    shown = {"path": repr(path)}
    if URL_SCHEME.match(path) or path.startswith(("//", "\\\\")):
        return N_("%(path)s adalah URL; portal hanya menerbitkan berkas yang disimpan di dalam paket"), shown
    if SHELL_SYNTAX.search(path):
        return N_("%(path)s memakai '~', '$' atau '%%VAR%%'; tidak ada yang diekspansi: tulis path biasa relatif "
                  "terhadap folder paket"), shown
    if "\0" in path:
        return N_("%(path)s memuat karakter NUL"), shown
    if path.startswith(("/", "\\")) or os.path.isabs(path):
        return N_("%(path)s adalah path absolut; gunakan path relatif terhadap folder paket"), shown
    parts = re.split(r"[\\/]", path)
    if ".." in parts:
        return N_("%(path)s memuat '..'; data harus tetap di dalam folder paket"), shown
    try:
        current = folder
        for part in parts:
            current = current / part
            if current.is_symlink():
                return N_("%(path)s melewati tautan simbolik (%(link)s)"), {**shown, "link": current.name}
        root = os.path.realpath(folder)
        if os.path.commonpath([root, os.path.realpath(folder / path)]) != root:
            return N_("%(path)s mengarah ke luar folder paket"), shown
        mode = os.stat(folder / path).st_mode
    except FileNotFoundError:
        return None  # a missing file is reported by the data checks
    except (OSError, ValueError) as error:
        return N_("%(path)s tidak dapat dipakai sebagai path berkas (%(error)s)"), {**shown,
                                                                                   "error": error.__class__.__name__}
    if not stat.S_ISREG(mode):
        return N_("%(path)s bukan berkas biasa (folder, pipe atau perangkat tidak pernah dibaca)"), shown
    return None
