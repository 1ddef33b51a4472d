"""The English catalog covers every UI string, its compiled .mo is current, and ?lang=en uses it.

After adding or changing a UI string: re-extract, update, translate and compile (see babel.cfg).
"""

import io
import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from portal import create_app

from .conftest import ROOT

TRANSLATIONS = ROOT / "portal" / "translations"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"
METHOD_MAP = [("portal/**.py", "python"), ("portal/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "_l": None, "N_": None}  # _l = lazy_gettext, N_ = no-op marker
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def read_catalog():
    with PO.open("rb") as f:
        return read_po(f)


def extracted_messages() -> set[str]:
    messages = set()
    for _, _, message, *_ in extract_from_dir(str(ROOT), method_map=METHOD_MAP, keywords=KEYWORDS):
        # Plural calls give a tuple; the catalog is keyed by the singular.
        messages.add(message[0] if isinstance(message, tuple) else message)
    return messages


def test_every_extracted_message_has_an_english_translation():
    catalog = read_catalog()
    missing = sorted(message for message in extracted_messages()
                     if message not in catalog or not catalog[message].string
                     or catalog[message].fuzzy)
    assert missing == [], "untranslated; re-extract and run pybabel update (see babel.cfg), then translate"


def test_translations_keep_their_placeholders_and_are_not_fuzzy():
    for message in read_catalog():
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        assert sorted(PLACEHOLDER.findall(message.id)) == sorted(PLACEHOLDER.findall(message.string)), message.id


def test_compiled_mo_matches_the_po():
    compiled = io.BytesIO()
    write_mo(compiled, read_catalog())
    assert MO.read_bytes() == compiled.getvalue(), "stale messages.mo: run pybabel compile -d portal/translations"


@pytest.fixture(scope="module")
def language_client(published_build):
    return create_app({"BUILD_DIR": str(published_build), "TESTING": True}).test_client()


def test_english_home_page(language_client):
    html = language_client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Six smart city dimensions" in html
    assert "Enam dimensi kota cerdas" not in html
    assert ">Datasets</a>" in html and ">Dimensions</a>" in html


def test_indonesian_is_the_default(language_client):
    html = language_client.get("/").get_data(as_text=True)
    assert '<html lang="id">' in html
    assert "Enam dimensi kota cerdas" in html
    assert "Six smart city dimensions" not in html
