"""Issue 15: contact of every publisher, the PPID channel, terms, privacy, and reporting an error."""

from urllib.parse import parse_qs, unquote, urlsplit

from .html import parse, text


def test_about_lists_every_publisher_with_only_the_contact_in_the_data(bundled_app):
    client = bundled_app.test_client()
    page = parse(client.get("/about"))
    catalog = client.get("/download/release/catalog.json").get_json()
    rows = {node.attributes["data-publisher"]: node for node in page.css(".contacts tbody tr")}
    assert set(rows) == {p["id"] for p in catalog["publishers"]}
    for publisher in catalog["publishers"]:
        row = rows[publisher["id"]]
        emails = [a.attributes["href"] for a in row.css("[data-part=email]")]
        assert emails == ([f"mailto:{publisher['email']}"] if publisher.get("email") else [])
        if not (publisher.get("email") or publisher.get("phone") or publisher.get("address")):
            assert text(row, "[data-part=missing]") == "kontak belum tersedia"
        site = publisher.get("contact_url") or publisher.get("url")
        assert [a.attributes["href"] for a in row.css("[data-part=website]")] == ([site] if site else [])
    # No address is in metadata/portal.yaml yet: the PPID channel is described, marked unconfirmed.
    assert "PPID Kota Malang" in text(page, "#ppid-channel")
    assert page.css_first("#ppid-channel [data-part=unconfirmed]") is not None
    for section in ("#kontak", "#ppid", "#laporkan-kesalahan", "#syarat-penggunaan", "#privasi"):
        assert page.css_first(section) is not None, section
    assert "tidak memasang cookie" in text(page, "#privasi")
    assert "Data sampel sintetis" in text(page, "#syarat-penggunaan")


def test_about_in_english(bundled_app):
    page = parse(bundled_app.test_client().get("/about?lang=en"))
    assert text(page, "#privacy-title") == "Privacy statement"
    assert text(page, "#terms-title") == "Terms of use"
    assert "contact not yet available" in text(page, ".contacts")


def test_publisher_page_shows_its_contact_and_the_ppid_route(client):
    page = parse(client.get("/publisher/diskominfo"))
    assert page.css_first("#publisher-contact [data-part=email]").attributes["href"] == "mailto:data@example.org"
    assert "PPID" in text(page, "#publisher-ppid")
    page = parse(client.get("/publisher/dlh"))
    assert text(page, "#publisher-contact [data-part=missing]") == "kontak belum tersedia"


def test_report_an_error_mails_the_publisher_with_the_dataset_filled_in(client):
    page = parse(client.get("/dataset/wilayah-mini"))
    href = page.css_first("#report-error a").attributes["href"]
    parts = urlsplit(href)
    assert parts.scheme == "mailto" and parts.path == "data@example.org"
    query = parse_qs(parts.query)
    assert query["subject"] == ["Laporan kesalahan data: wilayah-mini"]
    assert "http://localhost/dataset/wilayah-mini" in query["body"][0]
    assert "Rilis/release:" in unquote(query["body"][0])


def test_report_falls_back_to_the_portal_operator(client):
    # dlh has no email; the fixture's operator (diskominfo) has one, so the report goes there.
    href = parse(client.get("/dataset/layanan-mini")).css_first("#report-error a").attributes["href"]
    assert urlsplit(href).path == "data@example.org"


def test_report_an_error_without_any_address_explains_how(bundled_app):
    # No email in the bundled metadata: the link says how to report instead of inventing one.
    link = parse(bundled_app.test_client().get("/dataset/sampel-kualitas-udara")).css_first("#report-error a")
    assert link.attributes["href"] == "/about#laporkan-kesalahan"
    assert link.text(strip=True) == "Laporkan kesalahan"
