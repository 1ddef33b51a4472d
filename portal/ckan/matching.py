"""Whether a CKAN package dict matches a parsed Solr query (``portal.ckan.solr``), field by field as
CKAN's Solr schema indexes them: string fields match exactly, text fields by word (case and
accents folded), dates and counts by range."""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable

from .solr import And, MatchAll, Node, Not, Or, QuerySyntaxError, Range, Term, parse_date

DATE_FIELDS = ("metadata_modified", "metadata_created")
NUMBER_FIELDS = ("num_resources", "num_tags")
TEXT_FIELDS = ("text", "title", "notes", "author", "maintainer", "res_name", "res_description",
               "license", "title_en", "notes_en")
# Exact-value fields, each read off the package dict.
STRING_FIELDS: dict[str, Callable[[dict], list]] = {
    "id": lambda p: [p["id"], p["name"]],  # the UUID; the name too, as this portal's ids once were names
    "name": lambda p: [p["name"]],
    "organization": lambda p: [p["organization"]["name"]] if p.get("organization") else [],
    "owner_org": lambda p: [p["owner_org"], p["organization"]["name"]] if p.get("organization") else [],
    "groups": lambda p: [group["name"] for group in p["groups"]],
    "tags": lambda p: [tag["name"] for tag in p["tags"]],
    "res_format": lambda p: [resource["format"] for resource in p["resources"]],
    "res_url": lambda p: [resource["url"] for resource in p["resources"]],
    "res_type": lambda p: [resource.get("resource_type") for resource in p["resources"]],
    "license_id": lambda p: [p["license_id"]],
    "state": lambda p: [p["state"]],
    "dataset_type": lambda p: [p["type"]],
    "type": lambda p: [p["type"]],
    "capacity": lambda p: ["private" if p["private"] else "public"],
    "entity_type": lambda p: ["package"],
    "url": lambda p: [p["url"]],
    "version": lambda p: [p["version"]],
    "title_string": lambda p: [p["title"]],
    "author_email": lambda p: [p["author_email"]],
    "maintainer_email": lambda p: [p["maintainer_email"]],
    "isopen": lambda p: ["true" if p["isopen"] else "false"],
}


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


@dataclass
class Document:
    """One package as the search sees it: its dict, plus its text fields as word lists."""

    package: dict
    extras: dict[str, str] = field(default_factory=dict)
    texts: dict[str, list[list[str]]] = field(default_factory=dict)

    @classmethod
    def of(cls, package: dict) -> Document:
        resources = package["resources"]
        extras = {extra["key"]: extra["value"] for extra in package["extras"]}
        fields = {
            "title": [package["title"]], "notes": [package["notes"] or ""],
            "title_en": [package.get("title_en") or ""], "notes_en": [package.get("notes_en") or ""],
            "author": [package["author"] or ""], "maintainer": [package["maintainer"] or ""],
            "license": [package["license_title"] or ""],
            "res_name": [resource["name"] or "" for resource in resources],
            "res_description": [resource["description"] or "" for resource in resources],
        }
        for key, value in extras.items():
            fields[f"extras_{key}"] = [value]
        # CKAN's catch-all `text` field (its copyField list): names, titles, descriptions, tags,
        # groups, organisation, resources and extras.
        fields["text"] = [package["name"], *fields["title"], *fields["notes"], *fields["title_en"],
                          *fields["notes_en"], *fields["author"], *fields["maintainer"],
                          *(tag["name"] for tag in package["tags"]),
                          *(group["name"] for group in package["groups"]),
                          *(group["title"] for group in package["groups"]),
                          *((package["organization"]["name"], package["organization"]["title"])
                            if package.get("organization") else ()),
                          *fields["res_name"], *fields["res_description"], *extras.values()]
        return cls(package, extras, {key: [words(value) for value in values] for key, values in fields.items()})


def matches(node: Node, document: Document, now: datetime.datetime) -> bool:
    if isinstance(node, MatchAll):
        return True
    if isinstance(node, Not):
        return not matches(node.child, document, now)
    if isinstance(node, And):
        return all(matches(child, document, now) for child in node.children)
    if isinstance(node, Or):
        return any(matches(child, document, now) for child in node.children)
    if isinstance(node, Range):
        return range_matches(node, document, now)
    return term_matches(node, document, now)


def known_field(name: str, document: Document) -> str:
    """'string', 'text', 'date' or 'number'; an undefined field is refused, as Solr does."""
    if name in STRING_FIELDS:
        return "string"
    if name in TEXT_FIELDS or name.startswith("extras_"):
        return "text"
    if name in DATE_FIELDS:
        return "date"
    if name in NUMBER_FIELDS:
        return "number"
    if name in document.extras:  # CKAN also indexes each extra under its own key, as a string
        return "string"
    if re.fullmatch(r"[A-Za-z_][\w.-]*", name):
        return "absent"  # a dynamic field no package has: matches nothing (Solr's `*` field)
    raise QuerySyntaxError(f"undefined field {name}")


def string_values(name: str, document: Document) -> list[str]:
    if name in STRING_FIELDS:
        return [value for value in STRING_FIELDS[name](document.package) if value is not None]
    value = document.extras.get(name)
    return [value] if value is not None else []


def term_matches(term: Term, document: Document, now: datetime.datetime) -> bool:
    kind = known_field(term.field, document)
    if kind == "absent":
        return False
    if kind == "string":
        values = string_values(term.field, document)
        if term.wildcard:
            pattern = wildcard_regex(term.value, folded=False)
            return any(pattern.fullmatch(value) for value in values)
        return term.value in values
    if kind == "text":
        texts = document.texts.get(term.field, [])
        if term.wildcard:
            pattern = wildcard_regex(term.value, folded=True)
            return any(pattern.fullmatch(word) for text in texts for word in text)
        wanted = words(term.value)
        return bool(wanted) and any(contains_phrase(text, wanted) for text in texts)
    if kind == "date":
        return package_date(document, term.field) == parse_date(term.value, now)
    try:
        return document.package[term.field] == int(term.value)
    except ValueError:
        raise QuerySyntaxError(f"{term.field} needs a whole number, got {term.value!r}") from None


def contains_phrase(text: list[str], wanted: list[str]) -> bool:
    """The words in this order (a single word: anywhere), as an unquoted term split into several
    words by the analyzer is a phrase in Solr too."""
    size = len(wanted)
    return any(text[start:start + size] == wanted for start in range(len(text) - size + 1))


def wildcard_regex(pattern: str, folded: bool) -> re.Pattern:
    parts, position = [], 0
    while position < len(pattern):
        char = pattern[position]
        if char == "\\" and position + 1 < len(pattern):
            parts.append(re.escape(pattern[position + 1]))
            position += 2
            continue
        parts.append(".*" if char == "*" else "." if char == "?" else re.escape(fold(char) if folded else char))
        position += 1
    return re.compile("".join(parts), re.S)


def package_date(document: Document, name: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(document.package[name])


def range_matches(node: Range, document: Document, now: datetime.datetime) -> bool:
    kind = known_field(node.field, document)
    if kind == "absent":
        return False
    if kind == "date":
        value = package_date(document, node.field)
        low, high = (None if bound is None else parse_date(bound, now) for bound in (node.low, node.high))
    elif kind == "number":
        value = document.package[node.field]
        try:
            low, high = (None if bound is None else float(bound) for bound in (node.low, node.high))
        except ValueError:
            raise QuerySyntaxError(f"{node.field} ranges need numbers") from None
    elif kind == "string":
        values = string_values(node.field, document)
        return any(in_range(value, node.low, node.high, node) for value in values)
    else:
        flat = [word for text in document.texts.get(node.field, []) for word in text]
        low, high = (None if bound is None else fold(bound) for bound in (node.low, node.high))
        return any(in_range(word, low, high, node) for word in flat)
    return in_range(value, low, high, node)


def in_range(value, low, high, node: Range) -> bool:
    if low is not None and (value < low or (value == low and not node.include_low)):
        return False
    if high is not None and (value > high or (value == high and not node.include_high)):
        return False
    return True
