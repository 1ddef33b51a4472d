"""Numbers, sizes and times in the reader's convention (the pages' language; times in WIB)."""

from __future__ import annotations

from datetime import date, datetime, timezone

from babel import dates as babel_dates
from babel.dates import get_timezone
from flask_babel import format_decimal, get_locale
from markupsafe import Markup


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


# Kota Malang keeps Western Indonesian Time (UTC+7, no daylight saving): every time a page shows
# is in WIB, while the <time datetime> attribute keeps the machine-readable ISO value.
TIMEZONE = get_timezone("Asia/Jakarta")
TIME_PATTERNS = {"id": "d MMM y HH.mm 'WIB'", "en": "d MMM y HH:mm 'WIB'"}
DATE_PATTERN = "d MMM y"


def parse_time(value) -> datetime | None:
    """An ISO 8601 string (or datetime) as an aware datetime; a time without zone is UTC."""
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def format_time_wib(value, locale: str | None = None) -> str:
    """'2026-12-01T07:05:00+00:00' -> '1 Des 2026 14.05 WIB' ('1 Dec 2026 14:05 WIB' in English)."""
    moment = parse_time(value)
    if moment is None:
        return str(value or "")
    locale = locale or str(get_locale() or "id")
    return babel_dates.format_datetime(moment, TIME_PATTERNS.get(locale, TIME_PATTERNS["en"]), tzinfo=TIMEZONE,
                                       locale=locale)


def format_day(value, locale: str | None = None) -> str:
    """A date (or the WIB date of a time) as '1 Des 2026'."""
    locale = locale or str(get_locale() or "id")
    if isinstance(value, date) and not isinstance(value, datetime):
        return babel_dates.format_date(value, DATE_PATTERN, locale=locale)
    moment = parse_time(value)
    if moment is None:
        return str(value or "")
    return babel_dates.format_date(moment.astimezone(TIMEZONE).date(), DATE_PATTERN, locale=locale)


def time_element(value) -> Markup:
    """<time datetime="ISO">1 Des 2026 14.05 WIB</time>: people read WIB, machines the ISO value."""
    if not value:
        return Markup("")
    iso = value.isoformat() if isinstance(value, (date, datetime)) else str(value)
    return Markup('<time datetime="%s">%s</time>') % (iso, format_time_wib(value))


def day_element(value) -> Markup:
    if not value:
        return Markup("")
    iso = value.isoformat() if isinstance(value, (date, datetime)) else str(value)
    return Markup('<time datetime="%s">%s</time>') % (iso, format_day(value))
