"""What a person still has to write in a descriptor, said once per property.

The rules in validate.py decide which properties are wrong; this module says what to write in each:
the placeholders `portal new` left, and the properties whose value comes from a list (publisher,
author, maintainer, themes, licences, accrualPeriodicity, accessRights) with the valid values and,
for a value close to one of them ("Smart Living"), the one probably meant ("living").
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass

from ..messages import issue, text
from ..profile import ACCESS_LABELS, FREQUENCY_LABELS, N_, PUBLISHABLE_ACCESS, RECOMMENDED
from ..scaffold import PLACEHOLDER_PREFIX
from .metadata import PortalMetadata
from .report import Issue

# property -> the register its values come from
CHOICE_PROPERTIES = {"publisher": "publishers", "author": "publishers", "maintainer": "publishers",
                     "themes": "themes", "licenses": "licenses", "accrualPeriodicity": "frequencies",
                     "accessRights": "access"}
LISTS = {"themes", "licenses"}  # properties holding a list of values
# Codes of the issues a choice property's advice replaces, and that a placeholder inside a property explains.
METADATA_CODES = {"portal-metadata", "portal-placeholder"}
SUGGESTION_CUTOFF = 0.6


@dataclass(frozen=True)
class Register:
    source: str | dict  # where the values are listed: a file name, or a nested message
    names: dict[str, tuple[str, ...]]  # each valid value -> the titles it is also known by
    suggests: bool = True  # False where a near miss is a choice, not a typo (terbatas is not terbuka misspelt)


def registers(metadata: PortalMetadata) -> dict[str, Register]:
    def parts(*titles):  # "Smart Living — Kehidupan Cerdas" is known by either half too
        return tuple(p.strip() for t in titles if t for p in [t, *t.split("—")])

    return {
        "publishers": Register("metadata/publishers.yaml", {p.id: parts(p.name) for p in metadata.publishers}),
        "themes": Register("metadata/themes.yaml", {t.id: parts(t.title, t.title_en) for t in metadata.themes}),
        "licenses": Register("metadata/licenses.yaml", {lic.id: parts(lic.title) for lic in metadata.licenses}),
        "frequencies": Register(text(N_("profil metadata (README)")),
                                {code: (label,) for code, label in FREQUENCY_LABELS.items()}),
        # the profile knows terbatas and tertutup, but only open data is published
        "access": Register(text(N_("profil metadata: hanya data terbuka yang diterbitkan di portal ini")),
                           {PUBLISHABLE_ACCESS: (ACCESS_LABELS[PUBLISHABLE_ACCESS],)}, suggests=False),
    }


def suggest(value: object, register: Register) -> str | None:
    """The valid value ``value`` most likely means: the same id or title in other case, else a close one."""
    if not register.suggests or not isinstance(value, str) or not value.strip() or is_placeholder(value):
        return None
    known = {}
    for valid, titles in register.names.items():
        for name in (valid, *titles):
            known.setdefault(name.casefold(), valid)
    close = difflib.get_close_matches(value.strip().casefold(), list(known), n=1, cutoff=SUGGESTION_CUTOFF)
    return known[close[0]] if close else None


def is_placeholder(value: object) -> bool:
    return isinstance(value, str) and value.lstrip().startswith(PLACEHOLDER_PREFIX)


def root(path: str | None) -> str:
    return re.split(r"[.\[]", path or "", maxsplit=1)[0]


def placeholder_issue(file: str, path: str, value: str) -> Issue:
    if root(path) in RECOMMENDED:  # optional: filled, or left out on purpose (the quality score says so)
        return issue(file, "portal-placeholder", N_("%(property)s masih berisi teks pengganti dari `portal new`: "
                                                    "%(value)s. Isi, atau hapus properti anjuran %(key)s bila tidak "
                                                    "berlaku (tanpanya skor kualitas lebih rendah)."),
                     field=path, property=path, value=shown(value), key=root(path))
    return issue(file, "portal-placeholder", N_("%(property)s masih berisi teks pengganti dari `portal new`: "
                                                "%(value)s. Ganti dengan isi sebenarnya."),
                 field=path, property=path, value=shown(value))


def advise(file: str, descriptor: dict, issues: list[Issue], metadata: PortalMetadata) -> list[Issue]:
    """``issues`` with one per property: a choice property found wrong gets one issue per offending value
    saying what to write instead of the rules' own, and a placeholder inside a property explains the
    property's other metadata complaints (so they are not said twice)."""
    lists = registers(metadata)
    wrong = {root(i.field) for i in issues if i.code in METADATA_CODES and root(i.field) in CHOICE_PROPERTIES}
    advice = {prop: choice_issues(file, prop, descriptor.get(prop, None), lists[CHOICE_PROPERTIES[prop]])
              for prop in wrong}
    advice = {prop: found for prop, found in advice.items() if found}  # else the rules' words stand
    placeholders = {i.field for i in issues if i.code == "portal-placeholder" and i.field}
    kept, said = [], set()
    for found in issues:
        prop = root(found.field)
        if prop in advice and found.code in METADATA_CODES:
            if prop not in said:
                kept += advice[prop]
                said.add(prop)
        elif found.code == "portal-metadata" and found.field in placeholders:
            continue  # "modified must be a date" about a placeholder: the placeholder says it
        else:
            kept.append(found)
    return kept


def choice_issues(file: str, prop: str, value: object, register: Register) -> list[Issue]:
    if prop not in LISTS:
        return [] if _valid(value, register) else [choice_issue(file, prop, value, register)]
    if not isinstance(value, list) or not value:
        return [choice_issue(file, prop, None, register)]
    found = []
    for index, item in enumerate(value):
        name = item.get("name") if prop == "licenses" and isinstance(item, dict) else item
        if prop == "licenses" and not is_placeholder(name):
            continue  # a licence written in any accepted form is resolved, and refused, by licenses.py
        if not _valid(name, register):
            found.append(choice_issue(file, f"{prop}[{index}]" + (".name" if prop == "licenses" else ""), name, register))
    return found


def _valid(value: object, register: Register) -> bool:
    return isinstance(value, str) and value in register.names


def choice_issue(file: str, path: str, value: object, register: Register) -> Issue:
    choices = ", ".join(register.names)
    if is_placeholder(value):
        return issue(file, "portal-placeholder", N_("%(property)s masih berisi teks pengganti dari `portal new` "
                                                    "(%(value)s): tulis salah satu dari %(source)s: %(choices)s."),
                     field=path, property=path, value=shown(value), source=register.source, choices=choices)
    if value is None or value == "":
        return issue(file, "portal-metadata", N_("%(property)s belum diisi: tulis salah satu dari %(source)s: "
                                                 "%(choices)s."),
                     field=path, property=path, source=register.source, choices=choices)
    suggestion = suggest(value, register)
    if suggestion:
        return issue(file, "portal-metadata", N_("`%(property)s: %(value)s` tidak ada di %(source)s — maksud Anda "
                                                 "`%(suggestion)s`? Pilihan: %(choices)s."),
                     field=path, property=path, value=shown(value), source=register.source, suggestion=suggestion,
                     choices=choices)
    return issue(file, "portal-metadata", N_("`%(property)s: %(value)s` tidak ada di %(source)s. Pilihan: "
                                             "%(choices)s."),
                 field=path, property=path, value=shown(value), source=register.source, choices=choices)


def shown(value: object) -> str:
    """A descriptor value as written in JSON, text without its quotes."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
