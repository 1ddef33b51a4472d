"""Stage 1: find the data packages and refuse unsafe resource paths before reading any data."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .report import Issue

DESCRIPTOR_NAMES = ("datapackage.json", "datapackage.yaml", "datapackage.yml")
URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass
class PackageSource:
    """One package folder as found on disk (not yet validated)."""

    name: str  # the folder name; the descriptor's name must equal it
    folder: Path
    descriptor_file: Path | None = None
    descriptor: dict | None = None
    issues: list[Issue] = field(default_factory=list)

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
    descriptor_file = next((folder / n for n in DESCRIPTOR_NAMES if (folder / n).is_file()), None)
    if descriptor_file is None:
        source.issues.append(
            Issue(str(folder), "portal-missing-descriptor", "no datapackage.json (or datapackage.yaml) in this folder")
        )
        return source
    source.descriptor_file = descriptor_file
    try:
        text = descriptor_file.read_text(encoding="utf-8")
        descriptor = yaml.safe_load(text) if descriptor_file.suffix != ".json" else json.loads(text)
    except (ValueError, yaml.YAMLError, UnicodeDecodeError) as error:
        source.issues.append(Issue(str(descriptor_file), "portal-descriptor-syntax", f"cannot be parsed: {error}"))
        return source
    if not isinstance(descriptor, dict):
        source.issues.append(Issue(str(descriptor_file), "portal-descriptor-syntax", "must be an object"))
        return source
    source.descriptor = descriptor
    source.issues.extend(check_resource_paths(folder, descriptor_file, descriptor))
    return source


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
    if URL_SCHEME.match(path) or path.startswith("//"):
        return f"{path!r} is a URL; the portal publishes only files kept in the package"
    if path.startswith(("/", "\\")) or os.path.isabs(path):
        return f"{path!r} is an absolute path; use a path relative to the package folder"
    parts = re.split(r"[\\/]", path)
    if ".." in parts:
        return f"{path!r} contains '..'; data must stay inside the package folder"
    current = folder
    for part in parts:
        current = current / part
        if current.is_symlink():
            return f"{path!r} goes through a symbolic link ({current.name})"
    root = os.path.realpath(folder)
    if os.path.commonpath([root, os.path.realpath(folder / path)]) != root:
        return f"{path!r} resolves outside the package folder"
    return None
