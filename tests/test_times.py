"""Issue 15: times on pages are in WIB (UTC+7) in the reader's language; <time datetime> keeps ISO."""

from datetime import date, datetime, timezone

from .html import parse
from portal.formatting import format_day, format_time_wib


def test_wib_in_indonesian_and_english():
    moment = "2026-12-01T07:05:00+00:00"
    assert format_time_wib(moment, "id") == "1 Des 2026 14.05 WIB"
    assert format_time_wib(moment, "en") == "1 Dec 2026 14:05 WIB"
    assert format_time_wib(datetime(2026, 11, 30, 20, 0, tzinfo=timezone.utc), "id") == "1 Des 2026 03.00 WIB"
    assert format_time_wib("2026-12-01T07:05:00", "id") == "1 Des 2026 14.05 WIB"  # no zone: UTC
    assert format_day("2026-11-30T18:00:00+00:00", "id") == "1 Des 2026"  # the WIB date, not the UTC one
    assert format_day(date(2025, 6, 23), "en") == "23 Jun 2025"


def test_pages_show_wib_and_keep_iso_for_machines(client):
    for url, selector in (("/changes", ".releases time"), ("/about", "time"), ("/dataset/wilayah-mini", "[data-answer=validation] time"),
                          ("/dataset/wilayah-mini/validation", "#checked-at time"), ("/dataset/wilayah-mini/changes", ".version time")):
        body = client.get(url).get_data(as_text=True)
        node = parse(client.get(url)).css_first(selector)
        assert node is not None, url
        iso = node.attributes["datetime"]
        assert node.text(strip=True) == format_time_wib(iso, "id"), url
        assert node.text(strip=True).endswith(" WIB"), url
        assert "UTC" not in body and "+00:00 " not in body, url
    node = parse(client.get("/changes?lang=en")).css_first(".releases time")
    assert node.text(strip=True) == format_time_wib(node.attributes["datetime"], "en")


def test_cards_show_the_day_in_the_readers_language(client):
    node = parse(client.get("/dataset?lang=en")).css_first(".dataset-card .updated time")
    assert node.text(strip=True) == format_day(node.attributes["datetime"], "en")
