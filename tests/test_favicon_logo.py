"""Issue 15: /favicon.ico answers with an icon, pages link the SVG icon, and the header has a real mark."""

import struct

from .html import parse


def test_favicon_ico_is_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    reserved, kind, count = struct.unpack("<HHH", response.data[:6])
    assert (reserved, kind, count) == (0, 1, 1)  # an ICO directory with one image
    width, height, _colours, _r, _planes, bits, size, offset = struct.unpack("<BBBBHHII", response.data[6:22])
    assert (width, height, bits) == (32, 32, 32) and offset + size == len(response.data)


def test_pages_link_the_svg_icon_and_show_the_mark(client):
    page = parse(client.get("/"))
    icons = [node.attributes["href"] for node in page.css("link[rel=icon]")]
    assert "/static/favicon.svg" in icons and "/favicon.ico" in icons
    for href in icons:
        assert client.get(href).status_code == 200
    assert client.get("/static/favicon.svg").mimetype == "image/svg+xml"
    mark = page.css_first(".brand .brand-mark")
    assert mark.tag == "svg" and mark.css("rect")
    assert "MC" not in page.css_first(".brand").text()
