"""How current a dataset is, from the data's own period, never from the day the portal published it.

A table covering 2023 that is published today is data about 2023: it is as current as 2023, and an
annual table is due again once the next year is over. What the data covers is read, in this order,
from the descriptor's ``temporal`` end (the producer's statement), the latest date in the data's own
date columns (computed at publish: the column stats), and the producer's ``modified`` date. Without
any of them the date is unknown, and the page says so. Synthetic samples describe no period at all:
freshness does not apply to them and they are never overdue.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from .catalog import DatasetInfo
from .profile import FREQUENCY_DAYS

# Where the "current to" date came from (the page names it).
FROM_TEMPORAL = "temporal"  # the descriptor's declared period (temporal.end)
FROM_DATA = "data"  # the latest value of a date column, computed at publish
FROM_MODIFIED = "modified"  # the producer's declared last change
DATE_TYPES = ("date", "datetime", "year", "yearmonth")


@dataclass(frozen=True)
class Schedule:
    applicable: bool  # False for synthetic samples: they cover no real period
    current_to: datetime.date | None  # the latest date the data speaks about; None: unknown
    source: str = ""  # FROM_TEMPORAL, FROM_DATA or FROM_MODIFIED
    column: str = ""  # with FROM_DATA: the date column it came from
    last_updated: datetime.date | None = None  # the producer's declared `modified`, when there is one
    next_due: datetime.date | None = None  # None: no regular updates declared, or no date to count from
    overdue: bool = False

    @property
    def known(self) -> bool:
        return self.current_to is not None


def update_schedule(dataset: DatasetInfo, today: datetime.date) -> Schedule:
    """The next update is due one declared period after the end of what the data covers."""
    if dataset.sample:
        return Schedule(applicable=False, current_to=None)
    modified = parse_day(dataset.modified)
    current_to, source, column = data_period_end(dataset)
    if current_to is None and modified is not None:
        current_to, source = modified, FROM_MODIFIED
    days = FREQUENCY_DAYS.get(dataset.frequency)
    if current_to is None or days is None:
        return Schedule(True, current_to, source, column, modified)
    next_due = current_to + datetime.timedelta(days=days)
    return Schedule(True, current_to, source, column, modified, next_due, today > next_due)


def data_period_end(dataset: DatasetInfo) -> tuple[datetime.date | None, str, str]:
    """(date, source, column): the declared period's end, else the latest date in the data."""
    declared = parse_day(str(dataset.temporal.get("end") or ""))
    if declared is not None:
        return declared, FROM_TEMPORAL, ""
    latest, latest_column = None, ""
    for resource in dataset.resources:
        for field in resource.fields:
            if field.type in DATE_TYPES and field.stats is not None:
                day = column_day(field.type, field.stats.max)
                if day is not None and (latest is None or day > latest):
                    latest, latest_column = day, field.name
    return (latest, FROM_DATA, latest_column) if latest else (None, "", "")


def column_day(field_type: str, value) -> datetime.date | None:
    """The last day a column's maximum stands for: a year is up to 31 December, a month to its last day."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value)
    try:
        if field_type == "year":
            return datetime.date(int(text[:4]), 12, 31)
        if field_type == "yearmonth":
            year, month = int(text[:4]), int(text[5:7])
            return datetime.date(year, month, calendar.monthrange(year, month)[1])
    except ValueError:
        return None
    return parse_day(text)


def parse_day(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None
