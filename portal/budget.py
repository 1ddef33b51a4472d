"""The city budget as a citizen reads it: anggaran against realisasi per year and account group.

The figures are read from the release's database, from the APBD table as published (its ``tingkat``
column tells totals from account groups), so what /anggaran shows is what SQL on /sql gives. Amounts in
the table are billions of rupiah; they are written out as "Rp 2,25 triliun" or "Rp 603,79 miliar".
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from babel.numbers import format_decimal

BUDGET_DATASET = "apbd-kota-malang-djpk"
BUDGET_TABLE = "apbd_kota_malang"
PARTS = ("Pendapatan", "Belanja")  # financing is receipts minus spending: it stays in the table
# The sums the page shows: each total (tingkat 1) and account group (tingkat 2) of revenue and spending.
BUDGET_SQL = f"""
select tahun_anggaran, bagian, akun, tingkat, sum(anggaran_miliar_rp), sum(realisasi_miliar_rp),
       max(coalesce(catatan, ''))
from {BUDGET_TABLE}
where bagian in ({", ".join("?" for _ in PARTS)}) and tingkat in (1, 2)
group by tahun_anggaran, bagian, akun, tingkat
order by tahun_anggaran, min(urutan)
"""


@dataclass
class BudgetLine:
    year: int
    part: str  # Pendapatan | Belanja
    account: str
    level: int  # 1: the part's total, 2: an account group
    budget: float  # miliar rupiah
    actual: float
    note: str = ""

    @property
    def rate(self) -> float | None:
        """Realisation as a percentage of the budget; None when nothing was budgeted."""
        return 100.0 * self.actual / self.budget if self.budget else None


@dataclass
class BudgetPart:
    name: str
    total: BudgetLine | None = None
    groups: list[BudgetLine] = field(default_factory=list)


@dataclass
class BudgetYear:
    year: int
    parts: list[BudgetPart] = field(default_factory=list)
    note: str = ""  # the table's own caveat for this year (2023: realisation probably partial)

    def part(self, name: str) -> BudgetPart | None:
        return next((p for p in self.parts if p.name == name), None)


def budget_years(db_path: Path) -> list[BudgetYear]:
    """Every year of the APBD table, oldest first; [] when the release has no such table."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro&immutable=1", uri=True)
    try:
        rows = conn.execute(BUDGET_SQL, PARTS).fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()
    years: dict[int, BudgetYear] = {}
    for year, part, account, level, budget, actual, note in rows:
        entry = years.setdefault(year, BudgetYear(year))
        line = BudgetLine(year, part, account, level, float(budget or 0), float(actual or 0), note)
        found = entry.part(part)
        if found is None:
            found = BudgetPart(part)
            entry.parts.append(found)
        if level == 1:
            found.total = line
        else:
            found.groups.append(line)
        entry.note = entry.note or note
    return [years[y] for y in sorted(years)]


def rupiah(miliar: float | None, locale: str = "id") -> str:
    """Billions of rupiah as words people read: 'Rp 2,25 triliun', 'Rp 603,79 miliar' (English:
    'Rp 2.25 trillion', 'Rp 603.79 billion')."""
    if miliar is None:
        return "–"
    english = locale == "en"
    if abs(miliar) >= 1000:
        return f"Rp {format_decimal(miliar / 1000, '#,##0.00', locale=locale)} {'trillion' if english else 'triliun'}"
    return f"Rp {format_decimal(miliar, '#,##0.00', locale=locale)} {'billion' if english else 'miliar'}"


def percent(value: float | None, locale: str = "id") -> str:
    """'61,1 %' in Indonesian (SI spacing, as BPS writes it), '61.1%' in English; '–' for no budget."""
    if value is None:
        return "–"
    number = format_decimal(value, "#,##0.0", locale=locale)
    return f"{number}%" if locale == "en" else f"{number} %"
