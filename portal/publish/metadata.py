"""Portal-wide metadata from metadata/*.yaml: identity, themes, publishers, licences, search synonyms."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..catalog import License, Place, Publisher, Theme
from ..ckan.licenses import BY_ID as CKAN_LICENSES
from .places import load_places
from .synonyms import load_synonyms
from ..messages import issue
from ..profile import N_
from .report import Issue

# file name -> (dataclass of one entry, required keys)
LISTS = {
    "themes": (Theme, ("id", "title")),
    "publishers": (Publisher, ("id", "name")),
    "licenses": (License, ("id", "title")),
}


@dataclass
class PortalMetadata:
    portal: dict = field(default_factory=dict)
    themes: list[Theme] = field(default_factory=list)
    publishers: list[Publisher] = field(default_factory=list)
    licenses: list[License] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    synonyms: list[list[str]] = field(default_factory=list)  # folded terms, one list per group

    def ids(self, kind: str) -> set[str]:
        return {entry.id for entry in getattr(self, kind)}


def load_metadata(metadata_dir: Path) -> tuple[PortalMetadata, list[Issue]]:
    metadata, issues = PortalMetadata(), []
    portal_file = Path(metadata_dir) / "portal.yaml"
    portal, problem = _read_yaml(portal_file, dict)
    if problem:
        issues.append(problem)
    else:
        metadata.portal = portal
        if not portal.get("title"):
            issues.append(issue(str(portal_file), "portal-metadata", N_("portal perlu title"), field="title"))
    for kind, (entry_class, required) in LISTS.items():
        path = Path(metadata_dir) / f"{kind}.yaml"
        entries, problem = _read_yaml(path, list)
        if problem:
            issues.append(problem)
            continue
        known = {f.name for f in dataclasses.fields(entry_class)}
        seen = set()
        for index, entry in enumerate(entries):
            missing = [key for key in required if not isinstance(entry, dict) or not entry.get(key)]
            if missing:
                issues.append(issue(str(path), "portal-metadata", N_("entri ke-%(number)s tidak punya %(keys)s"),
                                    number=index + 1, keys=", ".join(missing)))
                continue
            if entry["id"] in seen:
                issues.append(issue(str(path), "portal-metadata", N_("id %(id)s tercantum dua kali"), field="id",
                                    id=repr(entry["id"])))
            seen.add(entry["id"])
            getattr(metadata, kind).append(entry_class(**{k: v for k, v in entry.items() if k in known}))
    for license in metadata.licenses:
        if license.ckan_id not in CKAN_LICENSES:
            issues.append(issue(str(Path(metadata_dir) / "licenses.yaml"), "portal-metadata",
                                N_("lisensi %(id)s perlu ckan_id, id-nya di daftar lisensi CKAN: salah satu dari "
                                   "%(choices)s"), field="ckan_id", id=repr(license.id), choices=", ".join(CKAN_LICENSES)))
    metadata.places, problems = load_places(metadata_dir)
    metadata.synonyms, synonym_problems = load_synonyms(metadata_dir)
    return metadata, issues + problems + synonym_problems


def _read_yaml(path: Path, expected: type):
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, issue(str(path), "portal-metadata", N_("berkas tidak ada"))
    except yaml.YAMLError as error:
        return None, issue(str(path), "portal-metadata", N_("tidak dapat diurai: %(reason)s"), reason=str(error))
    if not isinstance(data, expected):
        return None, issue(str(path), "portal-metadata", N_("harus berisi %(type)s"), type=expected.__name__)
    return data, None
