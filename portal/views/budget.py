"""/anggaran: the city's budget (APBD) against its realisation, per year and account group, as bars and
tables a citizen reads, with the data's caveats beside the figures they concern."""

from __future__ import annotations

from flask import abort, g, render_template
from flask_babel import get_locale, gettext

from ..budget import BUDGET_DATASET, BUDGET_TABLE, BudgetLine, budget_years, percent, rupiah
from ..budget_svg import Pair, render_all
from ..profile import N_
from .pages import blueprint

# The source's account names, in words a reader knows (the table keeps the source's names), and what
# the less obvious groups hold.
ACCOUNT_LABELS = {
    "Pendapatan Daerah": N_("Pendapatan daerah"), "Belanja Daerah": N_("Belanja daerah"),
    "PAD": N_("Pendapatan asli daerah (PAD)"), "TKDD": N_("Transfer pusat (TKDD)"),
    "Pendapatan Lainnya": N_("Pendapatan lain-lain"), "Belanja Pegawai": N_("Belanja pegawai"),
    "Belanja Barang dan Jasa": N_("Belanja barang dan jasa"), "Belanja Modal": N_("Belanja modal"),
    "Belanja Lainnya": N_("Belanja lainnya"),
}
ACCOUNT_NOTES = {
    "PAD": N_("pajak daerah, retribusi, hasil kekayaan daerah, dan PAD lain yang sah"),
    "TKDD": N_("transfer ke daerah dan dana desa dari pemerintah pusat"),
    "Pendapatan Lainnya": N_("transfer antardaerah, hibah, dan pendapatan lain menurut peraturan"),
    "Belanja Modal": N_("pembelian atau pembangunan aset tetap, misalnya jalan, gedung, dan peralatan"),
    "Belanja Lainnya": N_("hibah, bantuan sosial, dan belanja tidak terduga"),
}
HEADLINE_TITLES = {"Pendapatan": N_("Pendapatan daerah: anggaran dan realisasi per tahun"),
                   "Belanja": N_("Belanja daerah: anggaran dan realisasi per tahun")}
DETAIL_TITLES = {"Pendapatan": N_("Pendapatan %(year)s per kelompok akun"),
                 "Belanja": N_("Belanja %(year)s per kelompok akun")}
blueprint.add_app_template_global(BUDGET_DATASET, "budget_dataset")


def account_label(account: str) -> str:
    return gettext(ACCOUNT_LABELS[account]) if account in ACCOUNT_LABELS else account


def account_note(account: str) -> str:
    return gettext(ACCOUNT_NOTES[account]) if account in ACCOUNT_NOTES else ""


def is_partial(line: BudgetLine) -> bool:
    """The table's own note says this year's realisation is probably partial."""
    return "parsial" in (line.note or "").lower()


def pair(line: BudgetLine, label: str, locale: str) -> Pair:
    return Pair(label, line.budget, line.actual, rupiah(line.budget, locale), rupiah(line.actual, locale),
                percent(line.rate, locale), partial=is_partial(line))


def describe(pairs: list[Pair]) -> str:
    """The chart's figures in words, for screen readers."""
    return "; ".join(gettext("%(label)s: anggaran %(budget)s, realisasi %(actual)s (%(rate)s)", label=p.label,
                             budget=p.budget_text, actual=p.actual_text, rate=p.rate_text) for p in pairs)


def chart(pairs: list[Pair], chart_id: str, title: str) -> dict:
    return {"id": chart_id, "title": title, "svg": render_all(pairs, chart_id, title, describe(pairs))}


@blueprint.route("/anggaran")
def budget():
    catalog = g.release.catalog
    dataset = catalog.dataset(BUDGET_DATASET) or abort(404)
    years = budget_years(g.release.file("portal.db"))
    if not years:
        abort(404)
    locale = str(get_locale())
    headline = []
    for part in ("Pendapatan", "Belanja"):
        totals = [y.part(part).total for y in years if y.part(part) and y.part(part).total]
        title = gettext(HEADLINE_TITLES[part])
        headline.append(chart([pair(t, str(t.year), locale) for t in totals], f"anggaran-{part.lower()}", title))
    details = {}
    for year in years:
        for part in year.parts:
            title = gettext(DETAIL_TITLES[part.name], year=year.year)
            details[(year.year, part.name)] = chart([pair(line, account_label(line.account), locale)
                                                     for line in part.groups], f"anggaran-{year.year}-{part.name.lower()}",
                                                    title)
    partial = [y for y in years if any(is_partial(p.total) for p in y.parts if p.total)]
    return render_template("budget.html", dataset=dataset, years=years, headline=headline, details=details,
                           partial=partial, table=BUDGET_TABLE, rupiah=lambda v: rupiah(v, locale),
                           percent=lambda v: percent(v, locale), account_label=account_label,
                           account_note=account_note, is_partial=is_partial)
