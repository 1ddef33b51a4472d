"""portal/intake: the pieces `portal new` reads spreadsheet exports with, one shape at a time."""

from __future__ import annotations

import pytest
from frictionless import Field

from portal.intake.cells import infer_column
from portal.intake.keys import guess_primary_key
from portal.intake.layout import find_table
from portal.intake.names import column_names, safe_name
from portal.intake.numbers import column_format
from portal.intake.text import IntakeError, decode, guess_delimiter


@pytest.mark.parametrize("cells, locale, expected", [
    (["9.829.164,82", "53,4"], ",", ("number", ",", ".")),
    (["53,4", "191,234"], ",", ("number", ",", "")),  # a single comma is a decimal comma in Indonesian files
    (["1.234", "12"], ",", ("number", ",", ".")),  # ...and a dot before three digits a thousands mark
    (["1.234", "12"], ".", ("number", ".", "")),  # unless the file's other numbers use decimal points
    (["104.56", "0", "0.45"], ",", ("number", ".", "")),  # 104.56 can only be a decimal point
    (["1,234,567", "12"], ",", ("number", ".", ",")),
    (["Rp 1.000", "Rp 250"], ".", ("number", ",", ".")),  # rupiah: thousands
    (["12", "-3", "0"], ",", ("integer", ".", "")),
])
def test_number_formats_from_the_whole_column(cells, locale, expected):
    found = column_format(cells, locale)
    assert (found.kind, found.decimal, found.group) == expected


@pytest.mark.parametrize("cells", [["12A"], ["007", "12"], ["1.234,5", "12.5"], ["2,5 M", "300 jt"], ["1.2.3"]])
def test_not_numbers(cells):
    assert column_format(cells, ",") is None


def read(field: dict, cell: str):
    return Field.from_descriptor({"name": "x", **field}).read_cell(cell)[0]


def test_the_declared_options_make_frictionless_read_what_was_meant():
    column = infer_column("anggaran", ["2.076,98 M", "752,80 M", "-"], ",")
    assert column.field == {"type": "number", "decimalChar": ",", "groupChar": ".", "bareNumber": False}
    assert column.missing == {"-"}
    assert float(read(column.field, "2.076,98 M")) == 2076.98
    assert not any(kind == "geopoint" for kind in column.field.values())


@pytest.mark.parametrize("cells, fmt, other", [
    (["13/01/2024", "02/02/2024"], "%d/%m/%Y", None),
    (["01/13/2024", "02/02/2024"], "%m/%d/%Y", None),  # a US export says so by a month above 12
    (["01/02/2024"], "%d/%m/%Y", "%m/%d/%Y"),  # cannot tell: day first, and the other reading is offered
    (["1-2-2024 08:30"], "%d-%m-%Y %H:%M", "%m-%d-%Y %H:%M"),
    (["2024/01/31"], "%Y/%m/%d", None),
])
def test_dates_as_spreadsheets_write_them(cells, fmt, other):
    column = infer_column("tanggal", cells, ",")
    assert column.field["format"] == fmt
    assert [values["other"] for _, values in column.notes if "other" in values] == ([other] if other else [])


def test_iso_dates_need_no_format_and_mixed_dates_stay_text():
    assert infer_column("t", ["2024-01-31", "2024-02-29"], ",").field == {"type": "date"}
    assert infer_column("t", ["31/01/2024", "2024-02-29"], ",").field == {"type": "string"}
    assert infer_column("t", ["31/02/2024"], ",").field == {"type": "string"}  # no such day


def test_booleans_codes_and_empty_columns():
    assert infer_column("aktif", ["Ya", "Tidak", "ya"], ",").field == {
        "type": "boolean", "trueValues": ["Ya", "ya"], "falseValues": ["Tidak"]}
    assert infer_column("kode_pos", ["65126", "65141"], ",").field == {"type": "string"}
    scientific = infer_column("kode_kelurahan", ["3,57301E+09"], ",")
    assert scientific.field == {"type": "string"} and "notasi ilmiah" in scientific.notes[0][0]
    assert infer_column("catatan", ["", " "], ",").field == {"type": "string"}


@pytest.mark.parametrize("header, expected", [
    ("Nama Kecamatan", "nama_kecamatan"), ("Jumlah (Jiwa)", "jumlah_jiwa"), ("No.", "no"),
    ("% Miskin", "persen_miskin"), ("Luas Wilayah (km²)", "luas_wilayah_km2"), ("2023", "tahun_2023"),
    ("1st", "k_1st"), ("Kabupaten/Kota", "kabupaten_kota"), ("Pendidikan & Kesehatan", "pendidikan_dan_kesehatan"),
])
def test_safe_names(header, expected):
    assert safe_name(header) == expected


def test_blank_and_repeated_headers_are_named():
    assert column_names(["Nama", "", "nama", "Nama"]) == ["nama", "kolom_2", "nama_2", "nama_3"]


def test_encodings_and_delimiters():
    assert decode("é".encode("utf-8")) == ("é", "utf-8")
    assert decode("\ufeffé".encode("utf-8")) == ("é", "utf-8-sig")
    assert decode("é".encode("utf-16")) == ("é", "utf-16")
    assert decode("é“".encode("cp1252")) == ("é“", "cp1252")
    assert decode(b"\x81\x8d") == ("\x81\x8d", "latin-1")  # bytes Windows-1252 leaves undefined
    assert guess_delimiter('a;b;c\n1;"2,5";3\n') == ";"
    assert guess_delimiter("a\tb\n1\t2\n") == "\t"
    assert guess_delimiter("a,b\n1,2\n") == ","


def test_title_rows_merged_header_and_footnotes():
    rows = [["Rekap Jenis Kelamin", "", "", ""], ["", "", "", ""],
            ["Kecamatan", "Jenis Kelamin", "", "Jumlah"], ["", "Laki-laki", "Perempuan", ""],
            ["Klojen", "10", "12", "22"], ["Sukun", "11", "13", "24"], ["", "", "", ""],
            ["Sumber: uji", "", "", ""]]
    table = find_table(rows, "f.csv")
    assert table.header == ["Kecamatan", "Jenis Kelamin Laki-laki", "Jenis Kelamin Perempuan", "Jumlah"]
    assert table.rows == [["Klojen", "10", "12", "22"], ["Sukun", "11", "13", "24"]]
    assert (table.titles, table.footnotes, table.header_row) == (["Rekap Jenis Kelamin"], ["Sumber: uji"], 3)


def test_a_header_that_reads_like_data_is_a_question_and_header_row_answers_it():
    rows = [["1", "Klojen", "182.356"], ["2", "Sukun", "199.730"]]
    with pytest.raises(IntakeError, match="--no-header"):
        find_table(rows, "f.csv")
    assert find_table(rows, "f.csv", no_header=True).rows == rows
    titled = [["Judul", "", ""], ["a", "b", "c"], ["x", "y", "z"]]
    assert find_table(titled, "f.csv", header_row=1).header == ["Judul", "", ""]
    with pytest.raises(IntakeError, match="baris 9"):
        find_table(titled, "f.csv", header_row=9)
    with pytest.raises(IntakeError, match="kosong"):
        find_table([[""], []], "f.csv")


def test_years_as_headers_are_a_header():
    table = find_table([["Wilayah", "2022", "2023"], ["Kota Malang", "84807.4", "93053.4"]], "f.csv")
    assert table.header == ["Wilayah", "2022", "2023"]


def test_primary_key_guesses():
    def fields(*specs):
        return [{"name": n, "type": t} for n, t in specs]
    columns = [["35.73.01", "35.73.01", "35.73.02"], ["2022", "2023", "2022"], ["2024-01-01", "2024-01-02", "2024-01-03"]]
    assert guess_primary_key(fields(("kode_kecamatan", "string"), ("tahun", "integer"), ("tanggal_data", "date")),
                             columns) == ["kode_kecamatan", "tahun"]
    assert guess_primary_key(fields(("id", "integer"), ("nilai", "number")), [["1", "2"], ["1.5", "1.5"]]) == ["id"]
    assert guess_primary_key(fields(("nilai", "number"),), [["1.5", "2.5"]]) == []


def test_a_file_of_titles_and_notes_only_is_refused():
    """Found by tests/test_intake_fuzz.py: with --no-header a lone "Catatan: …" row became a footnote and
    `portal new` wrote a table without columns, which `portal check` then refused."""
    with pytest.raises(IntakeError, match="tidak ada tabel"):
        find_table([["Catatan: tidak ada data"]], "f.csv", no_header=True)
