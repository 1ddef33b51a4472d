"""A field's Table Schema constraints in plain words for the data dictionary:
{"required": true, "pattern": "^ADU-[0-9]{5}$"} -> "wajib diisi; format ADU-00001"."""

from __future__ import annotations

import re

try:  # the regular-expression parser: re._parser since Python 3.11, sre_parse before
    from re import _parser as sre_parse
    from re import _constants as sre_constants
except ImportError:  # pragma: no cover
    import sre_constants
    import sre_parse

from flask_babel import gettext

from .formatting import format_number
from .profile import N_

ENUM_SHOWN = 8  # values listed before "and N more"
ORDER = ("required", "unique", "enum", "minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum",
         "minLength", "maxLength", "pattern")
LABELS = {
    "minimum": N_("paling kecil %(value)s"),
    "maximum": N_("paling besar %(value)s"),
    "exclusiveMinimum": N_("lebih dari %(value)s"),
    "exclusiveMaximum": N_("kurang dari %(value)s"),
    "minLength": N_("paling sedikit %(value)s karakter"),
    "maxLength": N_("paling banyak %(value)s karakter"),
}


CATEGORY_EXAMPLES = {sre_constants.CATEGORY_DIGIT: "0", sre_constants.CATEGORY_WORD: "a", sre_constants.CATEGORY_SPACE: " "}


class NoExample(Exception):
    """The pattern has a part (negation, look-around, back-reference…) with no obvious example."""


def pattern_example(pattern: str) -> str | None:
    """The simplest value a pattern accepts, readable as a format: ^ADU-[0-9]{5}$ -> ADU-00001.
    None when there is no clear one; the example is always checked against the pattern."""
    try:
        example = _example(sre_parse.parse(pattern))
    except (NoExample, re.error, RecursionError, OverflowError):
        return None
    if not example or re.fullmatch(pattern, example) is None:
        return None
    return example


def _example(parsed) -> str:
    return "".join(_item(op, arg) for op, arg in parsed)


def _item(op, arg) -> str:
    if op is sre_constants.LITERAL:
        return chr(arg)
    if op is sre_constants.AT:
        return ""  # ^ and $
    if op is sre_constants.SUBPATTERN:
        return _example(arg[-1])
    if op is sre_constants.BRANCH:
        return _example(arg[1][0])
    if op is sre_constants.IN:
        return _class_char(arg)
    if op is sre_constants.ANY:
        return "x"
    if op is sre_constants.CATEGORY and arg in CATEGORY_EXAMPLES:  # \d outside brackets
        return CATEGORY_EXAMPLES[arg]
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
        low, _high, body = arg
        count = low  # optional parts left out: the shortest value
        if count > 64:
            raise NoExample
        text = _example(body) * count
        # A run of digits reads as a number: [0-9]{5} -> 00001 rather than 00000.
        if len(body) == 1 and count and text == "0" * count:
            text = text[:-1] + "1"
        return text
    raise NoExample


def _class_char(items) -> str:
    for op, arg in items:
        if op is sre_constants.NEGATE:
            raise NoExample
        if op is sre_constants.LITERAL:
            return chr(arg)
        if op is sre_constants.RANGE:
            return chr(arg[0])
        if op is sre_constants.CATEGORY and arg in CATEGORY_EXAMPLES:
            return CATEGORY_EXAMPLES[arg]
    raise NoExample


def value_text(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return format_number(value)
    return str(value)


def describe(constraints: dict) -> list[str]:
    """Each constraint as a phrase in the page's language, in a fixed, readable order."""
    parts = []
    keys = sorted(constraints, key=lambda k: (ORDER.index(k) if k in ORDER else len(ORDER), k))
    min_length, max_length = constraints.get("minLength"), constraints.get("maxLength")
    for key in keys:
        value = constraints[key]
        if key == "required":
            parts.append(gettext("wajib diisi") if value else gettext("boleh kosong"))
        elif key == "unique":
            if value:
                parts.append(gettext("unik (tidak ada nilai yang sama)"))
        elif key == "enum":
            shown = ", ".join(value_text(v) for v in value[:ENUM_SHOWN])
            if len(value) > ENUM_SHOWN:
                shown += " " + gettext("dan %(n)s lainnya", n=len(value) - ENUM_SHOWN)
            parts.append(gettext("salah satu dari: %(values)s", values=shown))
        elif key in ("minLength", "maxLength") and min_length is not None and min_length == max_length:
            if key == "minLength":
                parts.append(gettext("tepat %(value)s karakter", value=value_text(value)))
        elif key in LABELS:
            parts.append(gettext(LABELS[key], value=value_text(value)))
        elif key == "pattern":
            example = pattern_example(str(value))
            parts.append(gettext("format %(example)s", example=example) if example
                         else gettext("pola: %(pattern)s", pattern=value))
        else:  # a constraint this portal does not know: shown as written
            parts.append(f"{key} = {value_text(value)}")
    return parts


def constraints_text(constraints: dict | None) -> str:
    return "; ".join(describe(constraints or {}))


def constraints_raw(constraints: dict | None) -> str:
    """As the schema writes them, for the tooltip: pattern = ^ADU-[0-9]{5}$; required = True."""
    return "; ".join(f"{key} = {value}" for key, value in sorted((constraints or {}).items()))
