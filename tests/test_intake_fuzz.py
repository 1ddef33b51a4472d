"""Property: whatever spreadsheet export `portal new` is given, it either says why it cannot read it
or writes a package whose schema fits its data, so that once the metadata is filled `portal check`
finds no data problem at all (the schema never claims a type, key or link the cells do not have)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.publish.discover import discover
from portal.publish.metadata import load_metadata
from portal.publish.validate import validate
from portal.scaffold import ScaffoldError, new_package

from .test_excel_corpus import REFERENCE, ROOT, fill

CELLS = st.sampled_from([
    "", " ", "-", "...", "…", "0", "7", "007", "12", "-3", "1.234", "12.345.678", "53,4", "191,234", "9.829.164,82",
    "104.56", "1,234,567", "2.076,98 M", "12,5%", "Rp 1.000", "13/01/2024", "01/13/2024", "2024-02-29", "2024-02-30",
    "31/02/2024", "1-2-2024 08:30", "Ya", "Tidak", "ya", "Y", "T", "true", "3,57301E+09", "35.73", "35.73.01",
    "357301", "3573011001", "35.73.01.1001", "Jumlah", "Sumber: uji", "*) catatan", "Klojen", "a;b", 'kutip "x"',
    "=SUM(A1)", "café", "2022", "1e3", "12A", "baris\nbaru",
]) | st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=6)
HEADERS = st.sampled_from(["No.", "Nama", "Kode Kelurahan", "Tahun", "Jumlah (Jiwa)", "% Miskin", "", "2023", "Nama",
                           "Tanggal", "kode", "Luas (km²)", "id"]) | st.text(max_size=8)


@st.composite
def exports(draw):
    width = draw(st.integers(1, 6))
    rows = draw(st.lists(st.lists(CELLS, min_size=width, max_size=width), max_size=8))
    header = draw(st.lists(HEADERS, min_size=width, max_size=width))
    titles = draw(st.lists(st.lists(CELLS, min_size=1, max_size=width), max_size=2))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return titles + [header] + rows, delimiter, encoding, newline


def write_export(path: Path, rows, delimiter: str, encoding: str, newline: str) -> None:
    import csv
    import io

    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator=newline).writerows(rows)
    path.write_bytes(text.getvalue().encode(encoding, errors="replace"))


@settings(max_examples=int(os.environ.get("PORTAL_FUZZ_EXAMPLES", 60)), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(exports(), st.booleans())
def test_what_portal_new_writes_passes_portal_check(export, no_header):
    rows, delimiter, encoding, newline = export
    metadata, problems = load_metadata(ROOT / "metadata")
    assert problems == []
    with tempfile.TemporaryDirectory() as folder:
        datasets = Path(folder) / "datasets"
        shutil.copytree(REFERENCE, datasets / REFERENCE.name)
        source = Path(folder) / "Ekspor Excel.csv"
        write_export(source, rows, delimiter, encoding, newline)
        try:
            package, _notes = new_package("umpan", [source], datasets, no_header=no_header)
        except ScaffoldError as error:
            assert str(error) and "Traceback" not in str(error)
            return
        descriptor_file = package / "datapackage.json"
        descriptor = fill(json.loads(descriptor_file.read_text(encoding="utf-8")), "", "umpan")
        descriptor_file.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
        issues = validate(discover(datasets), metadata)["umpan"].issues
        blocking = [(i.code, i.field, i.row, i.message) for i in issues if i.code != "portal-formula-cell"]
        assert blocking == [], (blocking, (package / "data" / "ekspor_excel.csv").read_bytes()[:300])
