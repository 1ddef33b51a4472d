import datetime

from portal import create_app
from portal.catalog import Catalog
from portal.publish import publish
from portal.quality import CRITERIA, quality_score, update_schedule
from portal.releases import current_release_id, releases_dir

from .conftest import FIXTURE_DATASETS, FIXTURE_METADATA, copy_datasets
from .html import parse, text


def live_catalog(build):
    return Catalog.load(releases_dir(build) / current_release_id(build) / "catalog.json")


def test_criteria_add_up_to_100():
    assert sum(c.points for c in CRITERIA) == 100


def test_full_marks_and_breakdown_that_adds_up(published_build):
    catalog = live_catalog(published_build)
    today = datetime.date(2026, 1, 1)
    score = quality_score(catalog.dataset("wilayah-mini"), catalog, today)
    assert score.total == 100 and all(part.share == 1 for part in score.parts)
    sample = quality_score(catalog.dataset("layanan-mini"), catalog, today)
    assert round(sum(part.points for part in sample.parts)) == sample.total
    shares = {part.criterion.key: part.share for part in sample.parts}
    assert shares["metadata"] == 0  # no recommended property filled
    assert shares["columns"] == 1 / 5  # every column has a title, only biaya a definition
    assert shares["reference_codes"] == 1  # its foreign key into wilayah-mini


def test_removing_metadata_lowers_the_score(tmp_path):
    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    path = datasets / "wilayah-mini" / "datapackage.json"
    path.write_text(path.read_text().replace('"konsep"', '"_konsep"').replace('"definisi"', '"_definisi"'))
    publish(datasets, FIXTURE_METADATA, tmp_path / "b")
    catalog = live_catalog(tmp_path / "b")
    dataset = catalog.dataset("wilayah-mini")
    assert dataset.missing_recommended == ["konsep", "definisi"]
    score = quality_score(dataset, catalog, datetime.date(2026, 1, 1))
    metadata = next(p for p in score.parts if p.criterion.key == "metadata")
    assert metadata.points == round(20 * 11 / 13, 1) and score.total == 97


def test_overdue_with_a_fixed_clock(published_build):
    dataset = live_catalog(published_build).dataset("layanan-mini")  # daily, no producer date
    published = datetime.date.fromisoformat(dataset.current_version.date[:10])
    on_time = update_schedule(dataset, published)
    assert on_time.last_updated == published and on_time.next_due == published + datetime.timedelta(days=1)
    assert not on_time.overdue
    assert update_schedule(dataset, published + datetime.timedelta(days=2)).overdue

    late = create_app({"BUILD_DIR": str(published_build), "TODAY": "2099-01-01"}).test_client()
    page = parse(late.get("/dataset/layanan-mini"))
    assert text(page, "#overdue-badge") == "Terlambat diperbarui"
    assert "sudah lewat jadwal" in text(page, "[data-answer=next-due]")
    assert text(page, "tr[data-criterion=freshness] .earned") == "0"
    fresh = create_app({"BUILD_DIR": str(published_build), "TODAY": published.isoformat()}).test_client()
    assert parse(fresh.get("/dataset/layanan-mini")).css_first("#overdue-badge") is None


def test_score_on_dataset_page_publisher_pages_and_about(client, published_build):
    catalog = live_catalog(published_build)
    page = parse(client.get("/dataset/wilayah-mini"))
    assert text(page, "#quality-total") == "100"
    earned = [float(n.text().replace(",", ".")) for n in page.css(".quality-table .earned")]
    assert sum(earned) == 100
    board = parse(client.get("/publisher"))
    averages = {tr.attributes["data-publisher"]: tr.css_first("[data-average]").attributes["data-average"]
                for tr in board.css(".leaderboard tbody tr")}
    assert averages["diskominfo"] == "100"
    # kemendagri publishes nothing (it produces a dataset diskominfo publishes): listed apart.
    assert "kemendagri" not in averages and board.css_first('.other-publishers [data-publisher="kemendagri"]')
    expected = str(quality_score(catalog.dataset("layanan-mini"), catalog, datetime.date.today()).total)
    assert averages["dlh"] == expected
    assert board.css(".leaderboard tbody tr")[0].attributes["data-publisher"] == "diskominfo"
    assert text(parse(client.get("/publisher/dlh")), "#publisher-average") == expected
    about = parse(client.get("/about"))
    assert len(about.css(".quality-method tbody tr")) == len(CRITERIA)


def test_catalog_sorts_by_quality(client):
    page = parse(client.get("/dataset?sort=quality"))
    scores = [int(n.attributes["data-score"]) for n in page.css(".card-score")]
    assert scores == sorted(scores, reverse=True) and scores[0] == 100
