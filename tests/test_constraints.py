"""Issue 15: the data dictionary says a field's constraints in words, not as schema code."""

import pytest

from portal.app import create_app
from portal.constraints import constraints_text, pattern_example

from .html import parse


@pytest.fixture()
def in_language():
    app = create_app({"BUILD_DIR": "/nonexistent", "BASE_URL": "http://localhost"})

    def use(code: str):
        return app.test_request_context(f"/?lang={code}")
    return use


@pytest.mark.parametrize("pattern, example", [
    (r"^ADU-[0-9]{5}$", "ADU-00001"),
    (r"^35\.73\.[0-9]{2}$", "35.73.01"),
    (r"^D[0-9]{2}$", "D01"),
    (r"^\d{4}$", "0001"),
    (r"^[A-Z]{2,3}$", "AA"),
    (r"^(RT|RW)-[0-9]+$", "RT-1"),
    (r"^[^a]+$", None),  # a negated class has no obvious example
    (r"^(a)\1$", None),
    (r"^[0-9]*$", None),  # the shortest value is empty: no format to show
    (r"[", None),  # not a valid pattern
])
def test_pattern_example(pattern, example):
    assert pattern_example(pattern) == example


def test_constraints_in_indonesian(in_language):
    with in_language("id"):
        assert constraints_text({"pattern": "^ADU-[0-9]{5}$", "required": True}) == "wajib diisi; format ADU-00001"
        assert constraints_text({"unique": True, "required": True}) == "wajib diisi; unik (tidak ada nilai yang sama)"
        assert constraints_text({"enum": ["web", "sms", "aplikasi"]}) == "salah satu dari: web, sms, aplikasi"
        assert constraints_text({"enum": list("abcdefghij")}) == "salah satu dari: a, b, c, d, e, f, g, h dan 2 lainnya"
        assert constraints_text({"minimum": 0, "maximum": 1500.5}) == "paling kecil 0; paling besar 1.500,5"
        assert constraints_text({"minimum": "2021-01-01"}) == "paling kecil 2021-01-01"
        assert constraints_text({"minLength": 2, "maxLength": 10}) == "paling sedikit 2 karakter; paling banyak 10 karakter"
        assert constraints_text({"minLength": 5, "maxLength": 5}) == "tepat 5 karakter"
        assert constraints_text({"pattern": "^[^a]+$"}) == "pola: ^[^a]+$"
        assert constraints_text({"required": False}) == "boleh kosong"


def test_constraints_in_english(in_language):
    with in_language("en"):
        assert constraints_text({"pattern": "^ADU-[0-9]{5}$", "required": True}) == "required; format ADU-00001"
        assert constraints_text({"enum": ["a", "b"], "unique": True}) == "unique (no repeated values); one of: a, b"
        assert constraints_text({"minimum": 0, "maximum": 1500.5}) == "at least 0; at most 1,500.5"


def test_dictionary_shows_words_with_the_schema_in_the_tooltip(bundled_app):
    page = parse(bundled_app.test_client().get("/dataset/sampel-pengaduan-layanan"))
    found = page.css("[data-part=constraints]")
    assert found
    words = [" ".join(node.text().split()) for node in found]
    assert any("format ADU-00001" in w for w in words), words
    for node, text in zip(found, words):
        assert "pattern =" not in text and "required =" not in text and "= True" not in text
        assert "=" in node.attributes["title"]
