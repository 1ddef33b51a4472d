"""Issue 15: citations and the checksum command carry copy buttons, added by a script file (the CSP
forbids inline scripts); without JavaScript the text is still there to select."""

from .html import parse


def test_citations_and_checksum_command_are_copyable(client):
    page = parse(client.get("/dataset/wilayah-mini"))
    copyable = {node.attributes.get("id"): node for node in page.css("[data-copy]")}
    assert {"cite-apa", "cite-bibtex", "checksum-command"} <= set(copyable)
    assert copyable["checksum-command"].text() == "sha256sum -c SHA256SUMS"
    assert copyable["cite-bibtex"].text().startswith("@")
    for node in copyable.values():
        assert node.attributes["data-copy-label"] == "Salin" and node.attributes["data-copied-label"] == "Tersalin"
    # The buttons are made by the script: none in the HTML, so nothing dead without JavaScript.
    assert not page.css("button.copy-button")
    scripts = [node.attributes.get("src") for node in page.css("script") if node.attributes.get("type") != "application/ld+json"]
    assert "/static/copy.js" in scripts and None not in scripts  # no inline script
    english = parse(client.get("/dataset/wilayah-mini?lang=en")).css_first("#cite-apa")
    assert english.attributes["data-copy-label"] == "Copy" and english.attributes["data-copied-label"] == "Copied"


def test_copy_script_is_served_and_listens_for_clicks(client):
    response = client.get("/static/copy.js")
    assert response.status_code == 200 and "javascript" in response.mimetype
    body = response.get_data(as_text=True)
    assert "[data-copy]" in body and 'addEventListener("click"' in body and "navigator.clipboard" in body
