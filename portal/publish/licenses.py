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
from ..profile import N_

# A problem is (msgid, values) for messages.issue: said in the reader's language.
Problem = tuple[str, dict]


def resolve(entry: object, licenses: list[License]) -> tuple[License | None, Problem | None]:
    """The licence an entry of ``licenses`` stands for, or None and why (a message for the publisher)."""
    if not isinstance(entry, dict):
        return None, (N_("lisensi harus berupa objek dengan name atau path, bukan %(value)s"), {"value": repr(entry)})
    name = entry.get("name") if entry.get("name") is not None else entry.get("id")  # "id": Data Package v0
    path = entry.get("path")
    if name is None and path is None:
        return None, (N_("lisensi perlu name (id dari metadata/licenses.yaml) atau path (URL-nya); yang ini tidak "
                         "punya keduanya"), {})
    by_path = by_url(path, licenses)
    if name is None:
        if by_path is None:
            return None, (N_("path %(path)s bukan URL lisensi mana pun di metadata/licenses.yaml (id yang sah: "
                             "%(choices)s); untuk lisensi lain, tambahkan entri ke metadata/licenses.yaml dengan id, "
                             "title, url, open dan ckan_id"), {"path": repr(path), "choices": valid_ids(licenses)})
        return by_path, None
    license, problem = by_name(name, licenses)
    if license is not None and by_path is not None and by_path is not license:
        return None, (N_("name %(name)s adalah %(named)s tetapi path %(path)s adalah %(pathed)s: satu lisensi per "
                         "entri"), {"name": repr(name), "named": license.id, "path": repr(path), "pathed": by_path.id})
    return license, problem


def by_name(name: object, licenses: list[License]) -> tuple[License | None, Problem | None]:
    """The portal's id, exactly or in another case; else CKAN's id of exactly one (non-generic) licence."""
    wanted = name.strip().casefold() if isinstance(name, str) else None
    for matches in ([lic for lic in licenses if lic.id == name],
                    [lic for lic in licenses if lic.id.casefold() == wanted],
                    # "other-open" and the like say nothing about which licence: they never resolve
                    [lic for lic in licenses if lic.ckan_id.casefold() == wanted and not generic(lic.ckan_id)]):
        if len(matches) == 1:
            return matches[0], None
        if matches:
            return None, (N_("lisensi %(name)s bisa salah satu dari %(matches)s: tulis salah satu id itu"),
                          {"name": repr(name), "matches": ", ".join(lic.id for lic in matches)})
    return None, (N_("lisensi %(name)s tidak ada di metadata/licenses.yaml (id yang sah: %(choices)s); untuk lisensi "
                     "lain, tambahkan entri ke metadata/licenses.yaml dengan id, title, url, open dan ckan_id"),
                  {"name": repr(name), "choices": valid_ids(licenses)})


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
