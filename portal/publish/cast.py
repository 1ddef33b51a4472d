"""Turn validated CSV cells into SQLite values.

The data has already passed frictionless validation, so the common cases take a
fast path (int(), float()); anything with a custom format goes through
frictionless' own cell reader so both agree on every value.
"""

from __future__ import annotations

import datetime
import re
from typing import Any, Callable

from frictionless import Field

# Table Schema type -> Python type sqlite-utils maps to a column type.
COLUMN_TYPES = {"integer": int, "year": int, "number": float, "boolean": int}
DEFAULT_TRUE = {"true", "True", "TRUE", "1"}  # validated already: anything else is a false value
PLAIN_NUMBER_OPTIONS = {"decimalChar", "groupChar", "bareNumber"}


def column_type(field: dict) -> type:
    return COLUMN_TYPES.get(field.get("type", "string"), str)


def make_caster(field: dict, missing_values: set[str]) -> Callable[[str], Any]:
    kind = field.get("type", "string")
    if kind in ("integer", "year") and not PLAIN_NUMBER_OPTIONS & field.keys():
        plain = sqlite_integer
    elif kind == "number" and not PLAIN_NUMBER_OPTIONS & field.keys():
        plain = float
    elif kind == "boolean" and not {"trueValues", "falseValues"} & field.keys():
        def plain(cell: str) -> int:
            return 1 if cell in DEFAULT_TRUE else 0
    elif kind in ("integer", "year", "number", "boolean") or field.get("format", "default") != "default":
        plain = _frictionless_reader(field)
    else:
        plain = str  # strings, default-format dates and times (already ISO 8601), geopoints, JSON...

    def cast(cell: str) -> Any:
        return None if cell in missing_values else plain(cell)

    return cast


SQLITE_INTEGERS = range(-2 ** 63, 2 ** 63)


def sqlite_integer(cell: str) -> int:
    value = int(cell)
    if value not in SQLITE_INTEGERS:
        raise ValueError(f"{cell} is beyond the 64-bit integers SQLite stores")
    return value


def _frictionless_reader(field: dict) -> Callable[[str], Any]:
    read_cell = Field.from_descriptor(field).create_cell_reader()

    def read(cell: str) -> Any:
        value, _notes = read_cell(cell)
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, (datetime.date, datetime.time)):
            return value.isoformat()
        if value is not None and not isinstance(value, (int, float, str)):
            return str(value)  # Decimal and friends
        return value

    return read


# Spreadsheet formula injection (CSV injection): a text cell starting with one of these is read as a
# formula by Excel, LibreOffice or Google Sheets. Signed numbers and phone numbers ("-5", "+62 341 123")
# are not formulas, and a lone "-" (a common "no data" mark) is harmless.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER_LIKE = re.compile(r"[+-]?\s*[\d(][\d\s.,()/-]*(?:[eE][+-]?\d+)?")
SIGNS_ONLY = re.compile(r"[-+\s]*")


LEADING_SPACE = " \u00a0"  # spreadsheets skip these before a formula: " =1+1" is still one


def looks_like_formula(value: object) -> bool:
    if not isinstance(value, str):
        return False
    value = value.lstrip(LEADING_SPACE)
    return value.startswith(FORMULA_START) and not NUMBER_LIKE.fullmatch(value) and not SIGNS_ONLY.fullmatch(value)


def neutralise_formula(value):
    """The value as a spreadsheet shows it as text: a formula-looking string gets a leading "'"."""
    return "'" + value if looks_like_formula(value) else value
