"""Column names from the headers people write: `Jumlah (Jiwa)` -> jumlah_jiwa, `% Miskin` ->
persen_miskin, `Luas Wilayah (km²)` -> luas_wilayah_km2, `2023` -> tahun_2023."""

from __future__ import annotations

import re
import unicodedata

MAX_NAME = 63
WORDS = (("%", " persen "), ("&", " dan "), ("+", " plus "), ("#", " nomor "))


def safe_name(text: str, digit_prefix: str = "k_", years: bool = True) -> str:
    """A lower-case SQL identifier: accents and symbols spelled out or dropped, words joined by '_';
    ``digit_prefix`` before a leading digit, and with ``years`` a bare year becomes tahun_YYYY."""
    text = unicodedata.normalize("NFKD", text.strip())  # ² -> 2, é -> e + accent
    for symbol, word in WORDS:
        text = text.replace(symbol, word)
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    name = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    if years and re.fullmatch(r"(19|20)\d\d", name):
        name = f"tahun_{name}"
    elif name and not name[0].isalpha():
        name = f"{digit_prefix}{name}"
    return name[:MAX_NAME].rstrip("_")


def column_names(header: list[str]) -> list[str]:
    """One unique safe name per header cell; blanks become kolom_N, repeats get _2, _3..."""
    names: list[str] = []
    taken: set[str] = set()
    for index, cell in enumerate(header, start=1):
        name = safe_name(cell) or f"kolom_{index}"
        unique, suffix = name, 2
        while unique in taken:
            unique = f"{name[:MAX_NAME - 4]}_{suffix}"
            suffix += 1
        taken.add(unique)
        names.append(unique)
    return names
