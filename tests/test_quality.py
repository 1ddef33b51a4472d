import datetime

from portal import create_app
from portal.catalog import Catalog
from portal.publish import publish
from portal.freshness import update_schedule
from portal.quality import CRITERIA, SAMPLE_CAP, quality_score
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


def test_overdue_with_a_fixed_clock(tmp_path):
    """A real daily table dated by its last row is due the next day, and overdue after that."""
    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    path = datasets / "layanan-mini" / "datapackage.json"
    path.write_text(path.read_text().replace('"sample": true', '"sample": false, '
                                             '"sources": [{"title": "Uji", "path": "https://example.org/uji"}]'))
    publish(datasets, FIXTURE_METADATA, tmp_path / "b")
    dataset = live_catalog(tmp_path / "b").dataset("layanan-mini")
    assert not dataset.sample
    last_day = datetime.date.fromisoformat(max(f.stats.max for f in dataset.resources[0].fields if f.name == "tanggal"))
    on_time = update_schedule(dataset, last_day)
    assert on_time.current_to == last_day and on_time.next_due == last_day + datetime.timedelta(days=1)
    assert not on_time.overdue
    assert update_schedule(dataset, last_day + datetime.timedelta(days=2)).overdue

    late = create_app({"BUILD_DIR": str(tmp_path / "b"), "TODAY": "2099-01-01"}).test_client()
    page = parse(late.get("/dataset/layanan-mini"))
    assert text(page, "#overdue-badge") == "Terlambat diperbarui"
    assert "sudah lewat jadwal" in text(page, "[data-answer=next-due]")
    assert text(page, "tr[data-criterion=freshness] .earned") == "0"
    fresh = create_app({"BUILD_DIR": str(tmp_path / "b"), "TODAY": last_day.isoformat()}).test_client()
    page = parse(fresh.get("/dataset/layanan-mini"))
    assert page.css_first("#overdue-badge") is None
    assert text(page, "tr[data-criterion=freshness] .earned") == "10"


def test_a_sample_with_perfect_metadata_is_never_rated_high(tmp_path):
    datasets = copy_datasets(tmp_path / "d", *FIXTURE_DATASETS.iterdir())
    path = datasets / "wilayah-mini" / "datapackage.json"
    path.write_text(path.read_text().replace('"accessRights"', '"sample": true, "accessRights"'))
    publish(datasets, FIXTURE_METADATA, tmp_path / "b")
    catalog = live_catalog(tmp_path / "b")
    dataset = catalog.dataset("wilayah-mini")
    assert dataset.sample
    score = quality_score(dataset, catalog, datetime.date(2026, 1, 1))
    # Every criterion but freshness (not applicable to a sample) is met: 90 earned, capped below "Tinggi".
    assert score.earned == 90 and score.total == SAMPLE_CAP and score.band == "Sedang"
    client = create_app({"BUILD_DIR": str(tmp_path / "b"), "TODAY": "2026-01-01"}).test_client()
    page = parse(client.get("/dataset/wilayah-mini"))
    assert text(page, "#quality-total") == str(SAMPLE_CAP) and text(page, "#quality-band") == "(Sedang)"
    assert "tidak pernah dinilai Tinggi" in text(page, "#sample-cap")
    earned = [float(n.text().replace(",", ".").replace("−", "-")) for n in page.css(".quality-table .earned")]
    assert sum(earned) == SAMPLE_CAP  # the cap is a row of its own, so the table still adds up
    high = parse(client.get("/dataset?quality=Tinggi"))
    assert "wilayah-mini" not in [c.attributes["data-dataset"] for c in high.css(".dataset-card")]


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
