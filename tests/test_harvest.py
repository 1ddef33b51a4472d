"""The national catalog's own harvester: ckanext-harvest's unmodified CKANHarvester (gather, fetch and
import stages, driven by ckanext-harvest's queue functions; CKAN core on SQLite, tests/ckan_harness.py)
harvests a real `portal serve` of the bundled datasets — full, incremental and filtered."""

from __future__ import annotations

import datetime
import json
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest

from portal.catalog import Catalog

from . import ckan_harness
from .servers import portal_server


@pytest.fixture(scope="module")
def bundled(bundled_build):
    catalog = Catalog.load(bundled_build / "current" / "catalog.json")
    with portal_server(bundled_build, workers=1) as base:
        yield base, catalog


def harvest(base: str, config: dict, **options):
    result = ckan_harness.run_harvest(base, config, **options)
    assert result.exception is None and result.gather_errors == [], (result.exception, result.gather_errors)
    for sent in result.requests:  # the harvester's own request: sorted by id, 100 rows a page
        query = parse_qs(urlsplit(sent["url"]).query)
        if urlsplit(sent["url"]).path.endswith("/package_search"):
            assert query["sort"] == ["id asc"] and sent["status"] == 200, sent
    return result


def imported_names(result) -> list[str]:
    assert all(o["errors"] == [] for o in result.objects), [o["errors"] for o in result.objects]
    return sorted(call["validated"]["name"] for call in result.imported if not call["errors"])


def test_full_harvest_imports_every_dataset_with_every_field(bundled):
    base, catalog = bundled
    result = harvest(base, {"remote_groups": "create", "remote_orgs": "create"})
    assert imported_names(result) == sorted(d.name for d in catalog.datasets)
    assert Counter(o["report_status"] for o in result.objects) == {"added": len(catalog.datasets)}
    created = {call["action"]: call for call in result.calls if call["action"].endswith("_create")}
    assert {"organization_create", "group_create", "package_create"} <= set(created)
    for call in result.imported:
        package, dataset = call["validated"], catalog.dataset(call["validated"]["name"])
        # Resources: every download, each with format, size and sha256, as the portal lists them.
        expected = sum(1 + len(r.downloads) for r in dataset.resources) + 1
        assert len(package["resources"]) == expected, dataset.name
        for resource in package["resources"]:
            assert resource["url"].startswith(base + "/download/") and len(resource["hash"]) == 64
            assert resource["format"] and resource["size"] > 0
        assert package["license_id"] == catalog.license(dataset.licenses[0]["name"]).ckan_id
        assert {tag["name"] for tag in package["tags"]} and package["title"] == dataset.title
        # The remote organisation and groups were created locally under the portal's ids, and used.
        assert [group["name"] for group in call["data_dict"]["groups"]] == dataset.themes
        extras = {extra["key"]: extra["value"] for extra in package["extras"]}
        assert extras["accrualPeriodicity"] == dataset.frequency and extras["accessRights"] == "terbuka"
        assert extras["sample"] == json.dumps(dataset.sample) and extras["license_spdx"] == dataset.licenses[0]["name"]
        if dataset.spatial.get("kode_wilayah") == "35.73":
            assert json.loads(extras["spatial"])["type"] == "Polygon" and extras["kode_wilayah"] == "35.73"
    organizations = {call["validated"]["name"] for call in result.calls if call["action"] == "organization_create"}
    assert organizations == {d.publisher for d in catalog.datasets}


def test_second_harvest_finds_nothing_changed(bundled):
    """Incremental, with a real earlier job: every dataset comes back 'not modified', which needs
    metadata_modified exactly as CKAN would store and give it back (the harvester compares strings)."""
    base, catalog = bundled
    first = harvest(base, {})
    second = harvest(base, {}, local=first.local)
    searched = [parse_qs(urlsplit(r["url"]).query) for r in second.requests if "package_search" in r["url"]]
    assert searched[0]["fq"][0].startswith("metadata_modified:[") and searched[0]["fq"][0].endswith("Z TO *]")
    assert len(second.gathered_guids) == len(catalog.datasets)  # published within the hour before
    assert second.imported == [] and {o["report_status"] for o in second.objects} == {"not modified"}


def test_incremental_harvest_asks_only_for_changes(bundled):
    base, catalog = bundled
    recent = harvest(base, {}, previous_job_finished=datetime.datetime.utcnow() - datetime.timedelta(minutes=30))
    assert len(imported_names(recent)) == len(catalog.datasets)
    later = harvest(base, {}, previous_job_finished=datetime.datetime.utcnow() + datetime.timedelta(hours=3))
    assert later.gathered_guids == [] and later.imported == []  # nothing changed since: nothing fetched


@pytest.mark.parametrize("config, wanted", [
    ({"organizations_filter_include": ["diskominfo", "bappeda"]}, lambda d: d.publisher in ("diskominfo", "bappeda")),
    ({"organizations_filter_exclude": ["diskominfo", "bappeda"]}, lambda d: d.publisher not in ("diskominfo", "bappeda")),
    ({"groups_filter_include": ["economy", "environment"]}, lambda d: {"economy", "environment"} & set(d.themes)),
    ({"groups_filter_exclude": ["governance"]}, lambda d: "governance" not in d.themes),
    ({"organizations_filter_include": ["bkad", "dlh"], "groups_filter_include": ["economy", "environment"]},
     lambda d: d.publisher in ("bkad", "dlh") and {"economy", "environment"} & set(d.themes)),
])
def test_filtered_harvest(bundled, config, wanted):
    base, catalog = bundled
    expected = sorted(d.name for d in catalog.datasets if wanted(d))
    assert expected and len(expected) < len(catalog.datasets)  # the filter keeps some, not all
    assert imported_names(harvest(base, config)) == expected
    incremental = harvest(base, config, previous_job_finished=datetime.datetime.utcnow() - datetime.timedelta(minutes=5))
    assert imported_names(incremental) == expected


def test_package_dicts_pass_ckans_own_schema(bundled):
    """What package_show gives passes CKAN's default create schema as is (uuid_validator on ids, tag
    names, extras keys, resource fields), not only the harvester's relaxed one. The four validators that
    look rows up in CKAN's database are the harness's (the full harvest above runs them)."""
    import httpx
    from ckan import model
    from ckan.lib.navl.dictization_functions import validate
    from ckan.logic.schema import default_create_package_schema
    from ckan.logic.validators import uuid_validator

    looks_up_rows = {"owner_org_validator", "package_name_validator", "package_id_does_not_exist",
                     "resource_id_does_not_exist"}

    def without_lookups(schema):
        if isinstance(schema, dict):
            return {key: without_lookups(value) for key, value in schema.items()}
        return [validator for validator in schema if getattr(validator, "__name__", "") not in looks_up_rows]

    base, catalog = bundled
    schema = without_lookups(default_create_package_schema())
    context = {"model": model, "session": model.Session, "user": "", "ignore_auth": True}
    for dataset in catalog.datasets:
        package = httpx.get(f"{base}/api/3/action/package_show", params={"id": dataset.name}).json()["result"]
        data, errors = validate(package, schema, context)
        assert errors == {}, (dataset.name, errors)
        assert data["name"] == dataset.name and len(data["resources"]) == len(package["resources"])
        ids = [package["id"], package["owner_org"], *(g["id"] for g in package["groups"]),
               *(t["id"] for t in package["tags"]), *(r["id"] for r in package["resources"])]
        assert all(uuid_validator(value) == value for value in ids)
        assert len(set(ids)) == len(ids)


def test_spatial_passes_ckanext_spatial(bundled):
    """ckanext-spatial's own check of the `spatial` extra (SpatialMetadata.check_spatial_extra, run after
    package_create) and its solr-bbox indexing accept the harvested outline of Kota Malang."""
    from ckanext.spatial.plugin import SpatialMetadata
    from ckanext.spatial.search import search_backends

    base, catalog = bundled
    result = harvest(base, {})
    checked = 0
    for call in result.imported:
        package = call["validated"]
        spatial = {extra["key"]: extra["value"] for extra in package["extras"]}.get("spatial")
        if spatial is None:
            continue
        SpatialMetadata().check_spatial_extra(dict(package, id=package["id"]))  # raises ValidationError if wrong
        box = search_backends["solr-bbox"]().index_dataset({"spatial": spatial})
        assert 112.5 < box["minx"] < box["maxx"] < 112.8 and -8.1 < box["miny"] < box["maxy"] < -7.9
        checked += 1
    assert checked == sum(d.spatial.get("kode_wilayah") == "35.73" for d in catalog.datasets) > 0
