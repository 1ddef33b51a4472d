"""Stage 1: find the data packages and refuse unsafe resource paths before reading any data."""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .report import Issue

DESCRIPTOR_NAMES = ("datapackage.json", "datapackage.yaml", "datapackage.yml")
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
        source.issues.append(Issue(str(folder), "portal-unsafe-path", "package folder is a symbolic link"))
        return source
    found = [folder / n for n in DESCRIPTOR_NAMES if (folder / n).is_file()]
    if not found:
        source.issues.append(
            Issue(str(folder), "portal-missing-descriptor", "no datapackage.json (or datapackage.yaml) in this folder")
        )
        return source
    if len(found) > 1:  # which one is meant is the publisher's choice, not the portal's
        source.issues.append(Issue(str(folder), "portal-two-descriptors",
                                   f"{' and '.join(f.name for f in found)} are both in this folder: keep one"))
        return source
    descriptor_file = found[0]
    source.descriptor_file = descriptor_file
    if descriptor_file.is_symlink():
        source.issues.append(Issue(str(descriptor_file), "portal-unsafe-path", "the descriptor is a symbolic link"))
        return source
    size = descriptor_file.stat().st_size
    if size > MAX_DESCRIPTOR_BYTES:
        source.issues.append(Issue(str(descriptor_file), "portal-file-too-large",
                                   f"the descriptor is {size:,} bytes; the limit is {MAX_DESCRIPTOR_BYTES:,} bytes"))
        return source
    try:
        descriptor = parse_descriptor(descriptor_file)
    except (ValueError, yaml.YAMLError, UnicodeDecodeError, RecursionError) as error:
        message = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        source.issues.append(Issue(str(descriptor_file), "portal-descriptor-syntax", f"cannot be parsed: {message}"))
        return source
    if not isinstance(descriptor, dict):
        source.issues.append(Issue(str(descriptor_file), "portal-descriptor-syntax",
                                   f"must be an object ({{...}}), not {json_type(descriptor)}"))
        return source
    if nesting_depth(descriptor) > MAX_DESCRIPTOR_DEPTH:
        source.issues.append(Issue(str(descriptor_file), "portal-descriptor-syntax",
                                   f"nested more than {MAX_DESCRIPTOR_DEPTH} levels deep"))
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


def json_type(value) -> str:
    return {list: "a list", str: "a string", int: "a number", float: "a number", bool: "true/false",
            type(None): "null"}.get(type(value), type(value).__name__)


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

    def problem(message, where):
        issues.append(Issue(str(descriptor_file), "portal-descriptor", message, field=where))

    resources = descriptor.get("resources")
    for index, resource in enumerate(resources if isinstance(resources, list) else []):
        where = f"resources[{index}]"
        if not isinstance(resource, dict):
            continue  # reported with the path check
        if not isinstance(resource.get("name"), str):
            problem("a resource needs a name (a string)", f"{where}.name")
        for key in ("schema", "dialect"):
            if key in resource and not isinstance(resource[key], dict):
                problem(f"{key} must be written inline as an object; paths and URLs are not read", f"{where}.{key}")
        if "views" in resource and not isinstance(resource["views"], list):
            problem("views must be a list", f"{where}.views")
        dialect = resource.get("dialect")
        if isinstance(dialect, dict):
            for key in ("delimiter", "quoteChar"):
                if key in dialect and not (isinstance(dialect[key], str) and len(dialect[key]) == 1):
                    problem(f"{key} must be one character", f"{where}.dialect.{key}")
            if "doubleQuote" in dialect and not isinstance(dialect["doubleQuote"], bool):
                problem("doubleQuote must be true or false", f"{where}.dialect.doubleQuote")
        schema = resource.get("schema")
        if not isinstance(schema, dict):
            continue
        fields = schema.get("fields")
        if not isinstance(fields, list):
            problem("schema.fields must be a list of fields", f"{where}.schema.fields")
            fields = []
        for j, field in enumerate(fields):
            at = f"{where}.schema.fields[{j}]"
            if not isinstance(field, dict) or not isinstance(field.get("name"), str):
                problem("a field must be an object with a name (a string)", at)
                continue
            for key in ("type", "format"):
                if key in field and not isinstance(field[key], str):
                    problem(f"{key} must be a string", f"{at}.{key}")
            if "constraints" in field and not isinstance(field["constraints"], dict):
                problem("constraints must be an object", f"{at}.constraints")
            for key in ("trueValues", "falseValues", "missingValues"):
                if key in field and not (isinstance(field[key], list) and all(isinstance(v, str) for v in field[key])):
                    problem(f"{key} must be a list of strings", f"{at}.{key}")
        if "missingValues" in schema and not (isinstance(schema["missingValues"], list)
                                               and all(isinstance(v, str) for v in schema["missingValues"])):
            problem("missingValues must be a list of strings", f"{where}.schema.missingValues")
        if "primaryKey" in schema and not _is_key(schema["primaryKey"]):
            problem("primaryKey must be a field name or a list of field names", f"{where}.schema.primaryKey")
        keys = schema.get("foreignKeys", [])
        if not isinstance(keys, list):
            problem("foreignKeys must be a list", f"{where}.schema.foreignKeys")
            keys = []
        for j, key in enumerate(keys):
            reference = key.get("reference") if isinstance(key, dict) else None
            if not (isinstance(reference, dict) and _is_key(key.get("fields")) and _is_key(reference.get("fields"))
                    and all(isinstance(reference.get(k, ""), str) for k in ("resource", "package"))):
                problem("a foreign key needs fields and a reference {resource, fields} (package optional)",
                        f"{where}.schema.foreignKeys[{j}]")
    return issues


def check_resource_paths(folder: Path, descriptor_file: Path, descriptor: dict) -> list[Issue]:
    issues = []
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        return [Issue(str(descriptor_file), "portal-no-resources", "the package lists no resources", field="resources")]
    for index, resource in enumerate(resources):
        label = f"resources[{index}].path"
        if not isinstance(resource, dict):
            issues.append(Issue(str(descriptor_file), "portal-descriptor", "a resource must be an object", field=label))
            continue
        reason = unsafe_path_reason(folder, resource.get("path"))
        if reason:
            issues.append(Issue(str(descriptor_file), "portal-unsafe-path", reason, field=label))
    return issues


def unsafe_path_reason(folder: Path, path: object) -> str | None:
    """Why ``path`` may not be read from ``folder``, or None when it is safe."""
    if not isinstance(path, str) or not path:
        return "each resource needs one local file path (a string)"
    if URL_SCHEME.match(path) or path.startswith(("//", "\\\\")):
        return f"{path!r} is a URL; the portal publishes only files kept in the package"
    if SHELL_SYNTAX.search(path):
        return f"{path!r} uses '~', '$' or '%VAR%'; nothing is expanded: write a plain path relative to the package folder"
    if "\0" in path:
        return f"{path!r} contains a NUL character"
    if path.startswith(("/", "\\")) or os.path.isabs(path):
        return f"{path!r} is an absolute path; use a path relative to the package folder"
    parts = re.split(r"[\\/]", path)
    if ".." in parts:
        return f"{path!r} contains '..'; data must stay inside the package folder"
    try:
        current = folder
        for part in parts:
            current = current / part
            if current.is_symlink():
                return f"{path!r} goes through a symbolic link ({current.name})"
        root = os.path.realpath(folder)
        if os.path.commonpath([root, os.path.realpath(folder / path)]) != root:
            return f"{path!r} resolves outside the package folder"
        mode = os.stat(folder / path).st_mode
    except FileNotFoundError:
        return None  # a missing file is reported by the data checks
    except (OSError, ValueError) as error:
        return f"{path!r} cannot be used as a file path ({error.__class__.__name__})"
    if not stat.S_ISREG(mode):
        return f"{path!r} is not a regular file (a folder, pipe or device is never read)"
    return None
