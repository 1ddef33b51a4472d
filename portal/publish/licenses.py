"""Licences as publishers write them, resolved against metadata/licenses.yaml.

An entry of a descriptor's ``licenses`` may name the portal's id in any case (``cc-by-4.0``), give only
the licence's URL as ``path`` (http or https, with or without ``www.`` and a final slash), use Data
Package v0's ``id`` key instead of ``name``, or name its id in CKAN's licence register (``cc-by``) when
exactly one licence has it. Publish rewrites every entry that resolves into its canonical form once,
right after discovery (``canonical_licenses``), so the catalog, the CKAN API, DCAT and the downloads
all see one id; validate reports the entries that do not resolve.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit

from ..catalog import License
from ..ckan.licenses import ckan_license
from .discover import PackageSource

ADD_ONE = "to use another licence, add an entry to metadata/licenses.yaml with id, title, url, open and ckan_id"


def resolve(entry: object, licenses: list[License]) -> tuple[License | None, str | None]:
    """The licence an entry of ``licenses`` stands for, or None and why (a message for the publisher)."""
    if not isinstance(entry, dict):
        return None, f"a licence must be an object with name or path, not {entry!r}"
    name = entry.get("name") if entry.get("name") is not None else entry.get("id")  # "id": Data Package v0
    path = entry.get("path")
    if name is None and path is None:
        return None, "a licence needs name (an id from metadata/licenses.yaml) or path (its URL); this one has neither"
    by_path = by_url(path, licenses)
    if name is None:
        if by_path is None:
            return None, (f"path {path!r} is not the url of any licence in metadata/licenses.yaml "
                          f"(valid ids: {valid_ids(licenses)}); {ADD_ONE}")
        return by_path, None
    license, problem = by_name(name, licenses)
    if license is not None and by_path is not None and by_path is not license:
        return None, f"name {name!r} is {license.id} but path {path!r} is {by_path.id}: one licence per entry"
    return license, problem


def by_name(name: object, licenses: list[License]) -> tuple[License | None, str | None]:
    """The portal's id, exactly or in another case; else CKAN's id of exactly one (non-generic) licence."""
    wanted = name.strip().casefold() if isinstance(name, str) else None
    for matches in ([lic for lic in licenses if lic.id == name],
                    [lic for lic in licenses if lic.id.casefold() == wanted],
                    # "other-open" and the like say nothing about which licence: they never resolve
                    [lic for lic in licenses if lic.ckan_id.casefold() == wanted and not generic(lic.ckan_id)]):
        if len(matches) == 1:
            return matches[0], None
        if matches:
            return None, (f"licence {name!r} could be any of {', '.join(lic.id for lic in matches)}: "
                          "name one of those ids")
    return None, f"licence {name!r} is not in metadata/licenses.yaml (valid ids: {valid_ids(licenses)}); {ADD_ONE}"


def by_url(path: object, licenses: list[License]) -> License | None:
    key = url_key(path)
    matches = [lic for lic in licenses if key and url_key(lic.url) == key]
    return matches[0] if len(matches) == 1 else None


def url_key(url: object) -> str:
    """http://www.x.org/a/ and https://x.org/a are the same page: host and path without scheme, www.
    or final slash ("" for anything that is not an http or https URL)."""
    if not isinstance(url, str):
        return ""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    return parts.netloc.lower().removeprefix("www.") + parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")


def generic(ckan_id: str) -> bool:
    register = ckan_license(ckan_id)
    return register is None or register.is_generic


def valid_ids(licenses: list[License]) -> str:
    return ", ".join(lic.id for lic in licenses)


def canonical(entry: dict, license: License) -> dict:
    """The entry under the licence's id, with its URL and title when it gives none (v0's id key goes)."""
    result = {"name": license.id, **{k: v for k, v in entry.items() if k not in ("name", "id")}}
    if not result.get("path") and license.url:
        result["path"] = license.url
    if not result.get("title"):
        result["title"] = license.title
    return result


def canonical_licenses(source: PackageSource, licenses: list[License]) -> PackageSource:
    """The source with each licence that resolves in canonical form; marked ``rewritten`` when that
    changed its descriptor, so that the descriptor published is the canonical one."""
    entries = source.descriptor.get("licenses") if source.descriptor else None
    if not isinstance(entries, list):
        return source
    rewritten = []
    for entry in entries:
        license, _ = resolve(entry, licenses)
        rewritten.append(canonical(entry, license) if license else entry)
    if rewritten == entries:
        return source
    return dataclasses.replace(source, descriptor={**source.descriptor, "licenses": rewritten}, rewritten=True)
