"""Charts are computed on a connection of their own while the downloads are written
(describe.charts_in_background): the same charts describe would compute, put where describe finds them."""

from __future__ import annotations

import json
import sqlite3

from portal.catalog import Catalog
from portal.publish.describe import charts_in_background, charts_of
from portal.publish.load import LoadablePackage, TableLoad


def test_charts_computed_beside_the_downloads_are_describes_own(bundled_build):
    release = bundled_build / "current"
    catalog = Catalog.load(release / "catalog.json")
    packages, loads = [], {}
    for dataset in catalog.datasets:
        descriptor = json.loads((release / "files" / dataset.name / "datapackage.json").read_text())
        packages.append(LoadablePackage(dataset.name, release / "files" / dataset.name, descriptor))
        for r in dataset.resources:
            loads[r.name] = TableLoad(dataset.name, r.rows, {f.name: f.stats for f in r.fields if f.stats})
    charts_in_background(release / "portal.db", packages, loads)()
    conn = sqlite3.connect(f"file:{release / 'portal.db'}?mode=ro", uri=True)
    charted = 0
    for package in packages:
        for resource in package.descriptor["resources"]:
            load = loads[resource["name"]]
            assert load.charts is not None, resource["name"]
            fresh = TableLoad(load.package, load.rows, load.stats)
            types = {f["name"]: f.get("type", "string") for f in resource["schema"]["fields"]}
            assert load.charts == charts_of(conn, resource, fresh, types), resource["name"]
            charted += len(load.charts)
    assert charted >= 15
