"""Freshness comes from the data's own period, never from the day the portal published it."""

import dataclasses
import datetime
import json

from portal import create_app
from portal.catalog import Catalog
from portal.freshness import FROM_DATA, FROM_TEMPORAL, update_schedule
from portal.publish import publish
from portal.quality import quality_score
from portal.releases import current_release_id, releases_dir

from .conftest import FIXTURE_DATASETS, FIXTURE_METADATA, copy_datasets
from .html import parse, text

TODAY = "2026-12-01"


def publish_wilayah(tmp_path, **changes):
    """The fixture packages, with wilayah-mini's descriptor changed (None removes a property)."""
    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    path = datasets / "wilayah-mini" / "datapackage.json"
    descriptor = json.loads(path.read_text())
    for key, value in changes.items():
        descriptor.pop(key, None)
        if value is not None:
            descriptor[key] = value
    path.write_text(json.dumps(descriptor))
    build = tmp_path / "b"
    assert publish(datasets, FIXTURE_METADATA, build).ok
    return build


def catalog_of(build) -> Catalog:
    return Catalog.load(releases_dir(build) / current_release_id(build) / "catalog.json")


def page(build, name, today=TODAY, lang=""):
    client = create_app({"BUILD_DIR": str(build), "TODAY": today}).test_client()
    return parse(client.get(f"/dataset/{name}" + (f"?lang={lang}" if lang else "")))


def freshness_points(found) -> str:
    return text(found, "tr[data-criterion=freshness] .earned")


def test_a_2023_table_published_today_is_not_fresh(tmp_path):
    build = publish_wilayah(tmp_path, accrualPeriodicity="annual",
                            temporal={"start": "2023-01-01", "end": "2023-12-31"})
    catalog = catalog_of(build)
    dataset = catalog.dataset("wilayah-mini")
    published = datetime.date.fromisoformat(dataset.current_version.date[:10])
    plan = update_schedule(dataset, published)
    # Published today, yet the data covers 2023: an annual table was due again at the end of 2024.
    assert plan.current_to == datetime.date(2023, 12, 31) and plan.source == FROM_TEMPORAL
    assert plan.next_due == datetime.date(2024, 12, 31) and plan.overdue
    score = quality_score(dataset, catalog, published)
    assert next(p for p in score.parts if p.criterion.key == "freshness").share == 0 and score.total == 90

    shown = page(build, "wilayah-mini", today=published.isoformat())
    assert text(shown, "[data-answer=current-to]") == "31 Des 2023 (akhir periode data yang dinyatakan)"
    # The producer's modified date is shown as such, never the day of publishing as "updated".
    assert text(shown, "[data-answer=last-updated]") == "23 Jun 2025 (tanggal dari produsen)"
    assert "sudah lewat jadwal" in text(shown, "[data-answer=next-due]")
    assert text(shown, "#overdue-badge") == "Terlambat diperbarui"
    assert freshness_points(shown) == "0"
    # The catalog's cards say how recent the data is beside the day its version was published.
    listing = parse(create_app({"BUILD_DIR": str(build), "TODAY": TODAY}).test_client().get("/dataset"))
    card = listing.css_first('.dataset-card[data-dataset="wilayah-mini"]')
    assert text(card, ".current-to") == "data s.d. 31 Des 2023"
    assert listing.css_first('.dataset-card[data-dataset="layanan-mini"] .current-to') is None  # a sample


def test_a_table_covering_this_year_is_fresh_until_the_next_period_ends(tmp_path):
    build = publish_wilayah(tmp_path, accrualPeriodicity="annual",
                            temporal={"start": "2026-01-01", "end": "2026-12-31"})
    shown = page(build, "wilayah-mini")
    assert shown.css_first("#overdue-badge") is None and freshness_points(shown) == "10"
    assert text(shown, "[data-answer=next-due]") == "1 Jan 2028 (tahunan)"  # one declared period (366 days) on
    late = page(build, "wilayah-mini", today="2028-01-02")
    assert text(late, "#overdue-badge") == "Terlambat diperbarui" and freshness_points(late) == "0"


def test_undated_data_is_unknown_and_earns_no_freshness(tmp_path):
    build = publish_wilayah(tmp_path, accrualPeriodicity="annual", temporal=None, modified=None)
    dataset = catalog_of(build).dataset("wilayah-mini")
    plan = update_schedule(dataset, datetime.date(2026, 12, 1))
    assert not plan.known and plan.next_due is None and not plan.overdue
    shown = page(build, "wilayah-mini")
    assert text(shown, "[data-answer=current-to]").startswith("tidak diketahui")
    assert text(shown, "[data-answer=last-updated]").startswith("tidak diketahui (produsen tidak menyatakan tanggal")
    assert text(shown, "[data-answer=next-due]").startswith("tidak diketahui")
    assert freshness_points(shown) == "0" and shown.css_first("#overdue-badge") is None
    english = page(build, "wilayah-mini", lang="en")
    assert text(english, "[data-answer=current-to]").startswith("unknown")


def test_a_daily_sample_is_never_overdue(published_build):
    dataset = catalog_of(published_build).dataset("layanan-mini")  # daily, synthetic
    published = datetime.date.fromisoformat(dataset.current_version.date[:10])
    for today in (published + datetime.timedelta(days=1), datetime.date(2099, 1, 1)):
        plan = update_schedule(dataset, today)
        assert not plan.applicable and not plan.overdue and plan.next_due is None
        shown = page(published_build, "layanan-mini", today=today.isoformat())
        assert shown.css_first("#overdue-badge") is None
        assert text(shown, "[data-answer=next-due]") == "Tidak berlaku untuk data sampel (harian)"
        assert text(shown, "[data-answer=current-to]").startswith("Tidak berlaku")
        assert text(shown, "[data-answer=last-updated]").startswith("Tidak berlaku: data sampel dibangkitkan program")
        assert freshness_points(shown) == "0" and "Tidak berlaku" in text(shown, "[data-freshness]")


def test_the_latest_date_in_the_data_when_no_period_is_declared(published_build):
    # layanan-mini declares no temporal; as real data its tanggal column would date it.
    catalog = catalog_of(published_build)
    real = dataclasses.replace(catalog.dataset("layanan-mini"), sample=False)
    latest = max(f.stats.max for r in real.resources for f in r.fields if f.name == "tanggal")
    plan = update_schedule(real, datetime.date(2026, 12, 1))
    assert plan.source == FROM_DATA and plan.column == "tanggal"
    assert plan.current_to == datetime.date.fromisoformat(latest)
    assert plan.next_due == plan.current_to + datetime.timedelta(days=1)
