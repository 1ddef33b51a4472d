"""Numbers and sizes in the reader's convention (the pages' language)."""

from __future__ import annotations

from flask_babel import format_decimal


def format_number(value) -> str:
    """Numbers in the reader's convention (1.234,5 in Indonesian)."""
    if value is None or value == "":
        return ""
    try:
        return format_decimal(value)
    except (TypeError, ValueError):
        return str(value)


def format_filesize(size: int | None) -> str:
    if size is None:
        return ""
    if size < 1024:
        return f"{size} B"
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            return f"{format_number(round(size, 1))} {unit}"
