"""Every UI string is marked for translation, so English can follow without touching templates."""

import re

import pytest
from babel.messages.extract import extract_from_dir

from .conftest import ROOT

TEMPLATES = ROOT / "portal" / "templates"
JINJA = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.S)
TAG = re.compile(r"<[^>]*>|&lt;.*?&gt;", re.S)  # tags, and the HTML of embed snippets
# What may stand outside _(): punctuation, symbols and names that are not words of any language.
NAMES = {"SHA-256", "SHA256SUMS", "manifest.json", "catalog.json", "datapackage.json", "portal.db", "PK", "MC", "SQL",
         "UTC", "csv", "zip", "v", "100", "frictionless",
         "Bahasa", "Indonesia", "English", "GeoJSON", "APA", "BibTeX", "RIS", "CSL-JSON", "XLSX", "JSON", "CSV",
         "Parquet", "DuckDB", "pandas", "R"}  # names of formats and tools  # language names stay in their own language
PUNCTUATION = "·/→←–:;,.()|-+−~=#☑☐▲▼"


def flask_templates():
    return sorted(p for p in TEMPLATES.rglob("*.html") if "datasette" not in p.parts)


@pytest.mark.parametrize("path", flask_templates(), ids=lambda p: p.relative_to(TEMPLATES).as_posix())
def test_no_visible_text_outside_gettext(path):
    text = TAG.sub("\n", JINJA.sub("\n", path.read_text(encoding="utf-8")))
    words = [w.strip(PUNCTUATION) for line in text.splitlines() for w in line.split()]
    leftovers = [w for w in words if w and w not in NAMES]
    assert leftovers == []


def test_babel_extracts_the_marked_strings():
    method_map = [("portal/**.py", "python"), ("portal/templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "_l": None, "N_": None}  # _l = lazy_gettext, N_ = portal.profile's marker
    messages = {message for _, _, message, *_ in extract_from_dir(str(ROOT), method_map=method_map, keywords=keywords)}
    for expected in ("Data sampel sintetis", "Unduh CSV", "Enam dimensi kota cerdas", "Harian", "Tentang portal"):
        assert expected in messages
