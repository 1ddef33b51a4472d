"""portal/areas.py: a release's areas, built once and shared by a later release with the same places."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

from portal import areas
from portal.areas import release_areas
from portal.catalog import Catalog
from portal.store import Release


def release_with(catalog: Catalog, name: str) -> Release:
    return Release(name, Path("/nonexistent") / name, catalog)


def test_a_release_with_the_same_places_reuses_the_areas_and_a_moved_boundary_is_drawn_anew(bundled_build):
    catalog = Catalog.load(bundled_build / "current" / "catalog.json")
    first = release_areas(release_with(catalog, "first"))
    same = release_areas(release_with(copy.deepcopy(catalog), "second"))
    assert same is first

    moved = copy.deepcopy(catalog)
    kelurahan = next(p for p in moved.places if areas.level_of(p.code) == "kelurahan")
    ring = kelurahan.geometry["coordinates"][0][0] if kelurahan.geometry["type"] == "MultiPolygon" \
        else kelurahan.geometry["coordinates"][0]
    ring[1] = [ring[1][0] + 0.001, ring[1][1]]  # one point of one kelurahan, ~100 m east
    rebuilt = release_areas(release_with(moved, "third"))
    assert rebuilt is not first
    assert rebuilt.by_code[kelurahan.code].polygons != first.by_code[kelurahan.code].polygons

    renamed = dataclasses.replace(catalog, places=[dataclasses.replace(p, name=p.name + " (baru)") for p in catalog.places])
    assert release_areas(release_with(renamed, "fourth")).by_code[kelurahan.code].name.endswith("(baru)")
    assert len(areas._RECENT) <= areas.RECENT_PLACES
