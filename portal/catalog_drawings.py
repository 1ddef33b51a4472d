"""The parts of the catalog that say what publish computed for pages to draw: charts, point maps and
maps by area (kept apart from catalog.py, which they are part of: ResourceInfo holds them)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ChartInfo:
    """A chart computed at publish time: points are (label, value) pairs, in display order."""

    title: str
    kind: str  # bar | line
    x: str
    y: str | None  # None: the number of rows
    aggregate: str  # sum | avg | min | max | count
    points: list[list] = field(default_factory=list)
    declared: bool = False  # chosen by the publisher in the descriptor's "views", not automatically


@dataclass
class GeoInfo:
    """Where a table's points are: its latitude, longitude and label columns."""

    latitude: str
    longitude: str
    label: str


@dataclass
class ChoroplethInfo:
    """A map of a table's main measure by area, computed at publish time (publish/maps.py).

    ``values`` holds every code of the referenced area table, in its order, with the aggregate of
    the table's rows for it (None: no rows to sum or average; a count is 0). ``breaks`` are the
    class edges, lowest first: class i holds values from breaks[i] to breaks[i + 1]."""

    area: str  # the column holding the kode wilayah
    level: str  # kelurahan | kecamatan
    reference: str  # the area table the column points to
    measure: str | None  # None: the number of rows
    aggregate: str  # sum | mean | count
    classification: str  # quantile | equal
    breaks: list[float] = field(default_factory=list)
    values: list[list] = field(default_factory=list)  # [kode, value]
    declared: bool = False  # chosen by the publisher in the descriptor's "map"
    period_field: str = ""  # statistics over several periods map the latest one: its column …
    period: str = ""  # … and value ("" = every row)
