"""Search that forgives: stems, synonyms (metadata/synonyms.yaml), typos, "did you mean", ranking.

Against the bundled datasets (datasets/, metadata/) published once; synonyms.yaml's checks against
copies of the fixture metadata.
"""

import shutil
import sqlite3
from urllib.parse import parse_qs, urlsplit

import pytest

from portal.publish import publish
from portal.publish.metadata import load_metadata
from portal.publish.search_index import SEARCH_DB, SearchRow, build_search_index
from portal.search import open_search_db, ranked
from portal.search_query import MAX_TERMS, Synonyms
from portal.search_query import parse as parse_query
from portal.spelling import edit_distance

from .conftest import FIXTURE_DATASETS, FIXTURE_METADATA, ROOT
from .html import parse, text

PENGADUAN = "sampel-pengaduan-layanan"
HOTSPOT = "sampel-hotspot-wifi"
PENDUDUK = "penduduk-kecamatan-kota-malang"


@pytest.fixture()
def bundled(bundled_app):
    return bundled_app.test_client()


def names(client, query: str, **args) -> list[str]:
    page = parse(client.get("/dataset", query_string={"q": query, **args}))
    return [card.attributes["data-dataset"] for card in page.css(".dataset-card")]


def first_like(client, query: str, dataset: str, **args) -> str:
    """The first result of the same kind (real or sample) as ``dataset``. Real data comes before samples
    (tests/test_real_first.py), so how well a sample is found shows in its rank among samples."""
    page = parse(client.get("/dataset", query_string={"q": query, **args}))
    cards = [(c.attributes["data-dataset"], "is-sample" in c.attributes.get("class", "")) for c in page.css(".dataset-card")]
    kinds = dict(cards)
    assert dataset in kinds, (query, cards)
    return next(name for name, sample in cards if sample == kinds[dataset])


def query_of(href: str) -> str:
    return parse_qs(urlsplit(href).query)["q"][0]


@pytest.mark.parametrize("query, dataset", [("mengadu", PENGADUAN), ("berpenduduk", PENDUDUK),
                                            ("terdidik", "sampel-fasilitas-layanan-dasar"),
                                            ("berkunjung", "sampel-kunjungan-wisata")])
def test_forms_of_a_word_meet_at_its_stem(bundled, query, dataset):
    # None of these is in the catalog's text, nor a prefix or a typo of a word there: only its stem is
    # ("adu" beside "pengaduan", "duduk", "didik" beside "pendidikan", "kunjung" beside "kunjungan").
    assert first_like(bundled, query, dataset) == dataset


@pytest.mark.parametrize("query", ["aduan", "pengaduan", "Pengaduan", "mengadukan", "pengadu"])
def test_every_form_finds_pengaduan(bundled, query):
    assert first_like(bundled, query, PENGADUAN) == PENGADUAN


@pytest.mark.parametrize("query, dataset", [("keluhan", PENGADUAN), ("komplain", PENGADUAN),
                                            ("populasi", PENDUDUK), ("demografi", PENDUDUK),
                                            ("pencemaran udara", "sampel-kualitas-udara")])
def test_synonyms_from_metadata(bundled, query, dataset):
    assert first_like(bundled, query, dataset) == dataset


def test_synonyms_ship_in_the_release(bundled_build):
    with sqlite3.connect(bundled_build / "current" / SEARCH_DB) as conn:
        groups = dict(conn.execute("SELECT term, grp FROM synonyms"))
    assert groups["keluhan"] == groups["pengaduan"] and groups["wi fi"] == groups["hotspot"]


@pytest.mark.parametrize("query", ["wi-fi", "wifi", "Wi-Fi", "wi fi", "WIFI hotspot"])
def test_wifi_finds_hotspots_not_population(bundled, query):
    found = names(bundled, query)
    assert first_like(bundled, query, HOTSPOT) == HOTSPOT
    assert PENDUDUK not in found  # "wi-fi" is not "wilayah ... figures"


def test_a_typo_finds_what_the_word_would(bundled):
    page = parse(bundled.get("/dataset?q=pengadun"))
    assert first_like(bundled, "pengadun", PENGADUAN) == PENGADUAN
    (note,) = page.css("#spelling-note a")
    assert note.text() == "pengaduan" and query_of(note.attributes["href"]) == "pengaduan"
    assert first_like(bundled, "pengadaun layanan", PENGADUAN) == PENGADUAN  # swapped letters, beside a right word
    # a keyword: the real schools of 2019 have it in their title, the sample facilities among their keywords
    assert first_like(bundled, "sekolh", "sekolah-kota-malang-kemdikbud-2019") == "sekolah-kota-malang-kemdikbud-2019"
    assert first_like(bundled, "sekolh", "sampel-fasilitas-layanan-dasar") == "sampel-fasilitas-layanan-dasar"
    assert first_like(bundled, "pengguna harain", HOTSPOT) == HOTSPOT  # a column name (pengguna_harian_rata2)


def test_no_results_offers_a_query_that_finds_something(bundled):
    page = parse(bundled.get("/dataset?q=pengadun+zzzqx"))
    assert page.css_first("#no-results") is not None
    link = page.css_first("#did-you-mean a")
    assert link.text() == "pengaduan"
    assert first_like(bundled, query_of(link.attributes["href"]), PENGADUAN) == PENGADUAN
    # Not with filters under which the suggestion finds nothing either; nothing to correct: no advice.
    assert parse(bundled.get("/dataset?q=pengadun+zzzqx&publisher=dlh")).css_first("#did-you-mean") is None
    assert parse(bundled.get("/dataset?q=zzzqx")).css_first("#did-you-mean") is None
    assert parse(bundled.get("/dataset?q=pengaduan+udara")).css_first("#did-you-mean") is None


def test_did_you_mean_in_english(bundled):
    page = parse(bundled.get("/dataset?q=pengadun+zzzqx&lang=en"))
    assert text(page, "#did-you-mean").startswith("Did you mean:")
    assert "lang=en" in page.css_first("#did-you-mean a").attributes["href"]


def test_the_api_says_corrections_and_suggestions(bundled):
    result = bundled.get("/api/v1/search?q=pengadun").get_json()
    first_sample = next(d["name"] for d in result["results"] if d["sample"])  # real data comes first
    assert first_sample == PENGADUAN and result["corrections"] == ["pengaduan"]
    assert bundled.get("/api/v1/search?q=pengadun+zzzqx").get_json()["suggestion"] == "pengaduan"


HOSTILE = ['"', '""', "*", "-", "^", "AND", "OR", "NOT", "a AND", "NEAR(", "NEAR(a b)", "{title}:", "title:x",
           "wi-fi*", '"wi-fi', "-pengaduan", "pengaduan OR", "(", ")", "'; DROP TABLE x; --", "\\", "ǅ", "🙂",
           "\u200b", "pm2.5", "a" * 300, "pengadun " * 30]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_are_only_text(bundled, query):
    assert bundled.get("/dataset", query_string={"q": query}).status_code == 200
    assert bundled.get("/api/v1/search", query_string={"q": query}).status_code == 200


def test_a_flood_of_words_is_cut_short():
    flood = " ".join(f"kata{n}" for n in range(1000))
    assert len(parse_query(flood, Synonyms())) == MAX_TERMS
    assert len(parse_query("wifi " * 1000, Synonyms())) == 1  # a repeated word adds nothing


def test_titles_and_keywords_rank_first(tmp_path):
    # bm25 alone prefers the short description that repeats "pasar" over a keyword among forty.
    crowded = "pasar " + " ".join(f"kata{i}" for i in range(40))
    rows = [SearchRow("in-keywords", ("Data satu", crowded, "", "", ""), ()),
            SearchRow("in-description", ("Data dua", "", "", "pasar pasar pasar", "pasar"), ())]
    build_search_index(rows, [], tmp_path / SEARCH_DB)
    with open_search_db(tmp_path / SEARCH_DB) as conn:
        assert ranked(conn, '"pasar"*', tiers=False) == ["in-description", "in-keywords"]
        assert ranked(conn, '"pasar"*') == ["in-keywords", "in-description"]


def test_edit_distance_counts_a_swap_once():
    assert edit_distance("pengadaun", "pengaduan") == 1
    assert edit_distance("pengadun", "pengaduan") == 1
    assert edit_distance("sekolah", "sekolah") == 0
    assert edit_distance("data", "dana") == 1 and edit_distance("abc", "") == 3


# metadata/synonyms.yaml is checked at publish: a bad file stops it, naming the file and the line.

def metadata_with(tmp_path, synonyms: str):
    metadata = tmp_path / "metadata"
    shutil.copytree(FIXTURE_METADATA, metadata, dirs_exist_ok=True)
    (metadata / "synonyms.yaml").write_text(synonyms, encoding="utf-8")
    return metadata


@pytest.mark.parametrize("content, line, message", [
    ("- [keluhan, pengaduan]\n- keluhan\n", 2, "kelompok sinonim harus berupa daftar kata"),
    ("- [keluhan]\n", 1, "kelompok sinonim perlu sedikitnya dua kata"),
    ("- [keluhan, pengaduan]\n- [wifi, hotspot]\n- [aduan, Keluhan]\n", 3, "sinonim 'Keluhan' sudah tercantum di baris 1"),
    ("- [keluhan, {a: b}]\n", 1, "sinonim harus berupa kata atau frasa"),
    ("- [keluhan, '?!']\n", 1, "sinonim harus berupa kata atau frasa"),
    ("- [apbd, anggaran pendapatan dan belanja daerah]\n", 1, "terlalu panjang: paling banyak 4 kata"),
    ("keluhan: pengaduan\n", 1, "harus berisi daftar kelompok sinonim"),
    ("- [keluhan, pengaduan\n- [wifi]\n", 2, "tidak dapat diurai"),
])
def test_a_bad_synonyms_file_names_the_line(tmp_path, content, line, message):
    _, issues = load_metadata(metadata_with(tmp_path, content))
    (issue,) = issues
    assert issue.file.endswith("synonyms.yaml") and issue.row == line and issue.code == "portal-synonyms"
    assert message in issue.template % issue.params


def test_a_bad_synonyms_file_stops_publish(tmp_path):
    report = publish(FIXTURE_DATASETS, metadata_with(tmp_path, "- [keluhan]\n"), tmp_path / "build")
    assert not report.ok and not (tmp_path / "build" / "current").exists()
    assert report.issues[0].message == "a synonym group needs at least two words"


def test_synonyms_are_folded_and_optional(tmp_path):
    metadata, issues = load_metadata(metadata_with(tmp_path, "# kosong\n"))
    assert not issues and metadata.synonyms == []
    metadata, issues = load_metadata(metadata_with(tmp_path, "- [Wi-Fi, Hotspot, internet publik]\n"))
    assert not issues and metadata.synonyms == [["wi fi", "hotspot", "internet publik"]]
    assert load_metadata(FIXTURE_METADATA)[0].synonyms == []  # no synonyms.yaml: none
    assert load_metadata(ROOT / "metadata")[1] == []
