"""The place index of a release (places.json): for every kode wilayah with an outline, its parent,
children and neighbours, every table with rows about it and its key figures, all computed at publish
time (portal/publish/place_facts.py writes it; the place pages, search and code links read it).

Outlines themselves stay in catalog.json (Catalog.places); this file holds only what publish computed.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import _build

PLACES_INDEX = "places.json"
PLACE_INDEX_VERSION = 1
LEVELS = ("kota", "kecamatan", "kelurahan")  # coarsest first
NO_COLUMNS: frozenset[str] = frozenset()  # what a table without code columns has
MATCHING_PLACES = 6  # place pages a search offers, at most
EXACT, WITHIN = "exact", "within"  # a table's rows name the place's code, or codes of areas inside it


@dataclass
class KeyColumn:
    """A column holding kode wilayah of one level: a foreign key into a reference table, or its key."""

    table: str
    column: str
    level: str


@dataclass
class PlaceRows:
    """The rows of one table about a place."""

    dataset: str
    table: str
    column: str
    rows: int
    match: str  # EXACT: column = code; WITHIN: column starts with code + "." (a kelurahan of a kecamatan)


@dataclass
class PlaceFigure:
    """A number about a place, read from the one row its table has for it."""

    label: str
    value: float | int
    dataset: str
    table: str
    column: str
    unit: str = ""
    period: str = ""  # the dataset's temporal coverage in years ("2021–2025"); empty when it states none
    sample: bool = False
    note: str = ""  # the column's definition, caveats included


@dataclass
class PlaceEntry:
    code: str
    name: str
    level: str
    parent: str = ""  # kode of the area it lies in ("" for the city)
    area_km2: float | None = None  # computed from the outline by its compiler, not an official figure
    label_point: list[float] = field(default_factory=list)  # lon, lat of a point inside the outline, for its name
    children: list[str] = field(default_factory=list)
    neighbours: list[str] = field(default_factory=list)  # same level, outlines touching or overlapping
    datasets: list[PlaceRows] = field(default_factory=list)
    figures: list[PlaceFigure] = field(default_factory=list)


@dataclass
class PlaceIndex:
    places: list[PlaceEntry] = field(default_factory=list)
    keys: list[KeyColumn] = field(default_factory=list)
    area_note: str = ""  # how area_km2 was computed, from the outlines' metadata
    version: int = PLACE_INDEX_VERSION

    def __post_init__(self):
        self._by_code = {p.code: p for p in self.places}
        self._key_columns: dict[str, set[str]] = {}
        for key in self.keys:
            self._key_columns.setdefault(key.table, set()).add(key.column)

    def place(self, code: str) -> PlaceEntry | None:
        return self._by_code.get(code)

    def of_level(self, level: str) -> list[PlaceEntry]:
        return [p for p in self.places if p.level == level]

    def key_columns(self, table: str) -> frozenset[str] | set[str]:
        return self._key_columns.get(table, NO_COLUMNS)

    def matching(self, text: str) -> list[PlaceEntry]:
        """Places a search names: each of its words begins a word of the place's name ("tasik" finds
        Tasik Madu), or the words run together begin it ("tasikmadu"); level words (kelurahan, kec.)
        are left out. Coarsest level first."""
        words = [w for w in fold(text).split() if w not in LEVEL_WORDS]
        if not words or len("".join(words)) < MIN_LETTERS:
            return []
        found = []
        for place in self.places:
            name = fold(place.name).split()
            if all(any(part.startswith(w) for part in name) for w in words) or "".join(name).startswith("".join(words)):
                found.append(place)
        return sorted(found, key=lambda p: (LEVELS.index(p.level) if p.level in LEVELS else len(LEVELS), p.name))

    def dump(self, path: Path) -> None:
        path.write_text(json.dumps(dataclasses.asdict(self), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> PlaceIndex:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("version") != PLACE_INDEX_VERSION:
            return cls()  # written by another version of the portal: no place facts rather than wrong ones
        return _build(cls, data)


LEVEL_WORDS = {"kota", "kecamatan", "kec", "kelurahan", "kel", "desa", "wilayah"}
MIN_LETTERS = 3  # fewer, and a search would offer every place starting with "s"


def fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: "Kec. Lowokwaru" -> "kec lowokwaru"."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c if c.isalnum() else " " for c in text if not unicodedata.combining(c)).split())


_LOCK = threading.Lock()


def release_places(release) -> PlaceIndex:
    """The release's place index, read once per release (empty for a release published without one)."""
    index = release.cache.get("place index")
    if index is None:
        with _LOCK:
            index = release.cache.get("place index")
            if index is None:
                path = release.file(PLACES_INDEX)
                index = PlaceIndex.load(path) if path.exists() else PlaceIndex()
                release.cache["place index"] = index
    return index
