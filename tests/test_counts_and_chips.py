"""Issue 15: the home page's publisher count is what /publisher ranks; a card shows each theme once."""

from .html import parse, text


def test_home_counts_the_publishers_the_leaderboard_lists(bundled_app):
    client = bundled_app.test_client()
    home = parse(client.get("/"))
    listing = parse(client.get("/publisher"))
    ranked = [node.attributes["data-publisher"] for node in listing.css(".leaderboard tbody tr")]
    catalog = client.get("/download/release/catalog.json").get_json()
    publishing = {d["publisher"] for d in catalog["datasets"]}
    assert set(ranked) == publishing
    assert text(home, "#figure-publishers") == str(len(ranked))
    # The rest of metadata/publishers.yaml is still listed, apart, so nothing disappears.
    others = [node.attributes["data-publisher"] for node in listing.css(".other-publishers li")]
    assert sorted(ranked + others) == sorted(p["id"] for p in catalog["publishers"])
    assert len(others) > 0


def test_a_card_never_repeats_the_theme_list(bundled_app):
    client = bundled_app.test_client()
    page = parse(client.get("/dataset?per_page=100"))
    cards = page.css(".dataset-card")
    assert cards
    every = page.css_first('.dataset-card[data-dataset="dimensi-smart-city"] .chips')
    assert [node.attributes["data-theme"] for node in every.css(".chip")] == ["all"]
    assert every.text(strip=True) == "Semua 6 dimensi"
    for card in cards:
        chips = [node.attributes["data-theme"] for node in card.css(".chips .chip")]
        assert 1 <= len(chips) < 6 and len(chips) == len(set(chips)), card.attributes["data-dataset"]
