"""Reading HTML in tests: CSS selectors over the parsed page."""

from selectolax.lexbor import LexborHTMLParser as HTMLParser


def parse(response) -> HTMLParser:
    body = response.get_data(as_text=True) if hasattr(response, "get_data") else response.text
    return HTMLParser(body)


def texts(page: HTMLParser, selector: str) -> list[str]:
    return [" ".join(node.text(separator=" ").split()) for node in page.css(selector)]


def text(page: HTMLParser, selector: str) -> str:
    node = page.css_first(selector)
    assert node is not None, f"nothing matches {selector}"
    return " ".join(node.text(separator=" ").split())


def links(page: HTMLParser) -> list[str]:
    return [node.attributes.get("href") or "" for node in page.css("a[href]")]


# A release-scoped path prefix (portal/release_urls.py): links into Datasette name the release.
RELEASE = r"/r/\d{8}-\d{6}(?:-\d{3})?"
