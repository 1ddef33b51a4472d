"""How publish and check talk to people in a terminal: problems grouped by file, column (or descriptor
property) and rule, with the rows as a spreadsheet numbers them, the offending values, what is wrong
and how to fix it, in Indonesian (default) or English; numbers with the language's separators."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from ..messages import issue_text, number, translator
from ..validation_report import group_issues
from .report import KEPT_PREVIOUS, PUBLISHED, Issue, PublishReport

EXAMPLE_ROWS = 5


def print_issues(issues: list[Issue], console: Console, language: str) -> None:
    _ = translator(language)
    hinted = set()
    for group in group_issues(issues):
        # In a descriptor the field is a metadata property; in a data file, a column.
        column = _("properti") if group.in_descriptor else _("kolom")
        where = escape(group.file) + (f" · {column} {escape(group.field)}" if group.field else "")
        rows = ", ".join(
            (_("baris %(row)s", row=i.row) if i.row is not None else "") + (f" «{escape(i.cell)}»" if i.cell else "")
            for i in group.examples[:EXAMPLE_ROWS])
        more = f" … +{number(group.count - EXAMPLE_ROWS, language)}" if group.count > EXAMPLE_ROWS else ""
        console.print(f"[red]✗[/] {where}: [bold]{escape(_(group.summary))}[/] ({number(group.count, language)}×) "
                      f"[dim]{group.code}[/]", highlight=False, soft_wrap=True)
        if rows.strip(", "):
            console.print(f"    {rows}{more}", highlight=False, soft_wrap=True)
        console.print(f"    {escape(issue_text(group.examples[0], language))}", highlight=False, soft_wrap=True)
        if group.hint not in hinted:  # the same fix for every placeholder: said once
            hinted.add(group.hint)
            how = _("Cara memperbaiki:")
            console.print(f"    {how} {escape(_(group.hint))}", highlight=False, soft_wrap=True)


def status_label(outcome, _) -> str:
    # gettext calls stay outside f-strings: Babel does not extract from inside them.
    if outcome.status == PUBLISHED and outcome.reused_from:
        return "[green]" + _("tidak berubah, dibawa dari rilis sebelumnya") + "[/]"
    if outcome.status == PUBLISHED:
        return "[green]" + _("diterbitkan") + "[/]"
    if outcome.status == KEPT_PREVIOUS:
        return "[yellow]" + _("TIDAK VALID: versi sebelumnya tetap tayang") + "[/]"
    return "[red]" + _("TIDAK VALID: tidak diterbitkan") + "[/]"


def print_report(report: PublishReport, console: Console, language: str, quiet: bool = False,
                 dry_run: bool = False) -> None:
    _ = translator(language)
    print_issues(report.all_issues(), console, language)
    if not quiet and report.datasets:  # none when publish stopped before any (metadata, a full disk)
        table = Table(title=_("Ringkasan penerbitan"))
        for column in (_("dataset"), _("status"), _("baris"), _("masalah")):
            table.add_column(column)
        for outcome in report.datasets:
            table.add_row(outcome.name, status_label(outcome, _), number(outcome.rows, language),
                          number(len(outcome.issues), language))
        console.print(table)
    for outcome in report.datasets:
        if outcome.status == KEPT_PREVIOUS:
            console.print(_("%(name)s tidak valid: versinya dari rilis %(release)s tetap tayang.",
                            name=outcome.name, release=outcome.previous_release), soft_wrap=True)
    if dry_run:
        console.print(_("Uji coba: rilis dibuat dan diperiksa, tetapi tidak ditayangkan."), soft_wrap=True)
    elif report.release_id:
        console.print(_("Rilis %(id)s sudah tayang (%(seconds)s detik).", id=report.release_id,
                        seconds=round(report.seconds, 1)), soft_wrap=True)
    else:
        console.print("[red]" + _("Tidak ada rilis baru; yang sedang tayang tetap tayang.") + "[/]", soft_wrap=True)


def print_check(validations: dict, console: Console, language: str, quiet: bool = False) -> None:
    _ = translator(language)
    for name, validation in validations.items():
        print_issues(validation.issues, console, language)
        if not quiet:
            verdict = "[green]" + _("valid") + "[/]" if validation.passed else \
                "[red]" + _("tidak valid (%(n)s masalah)", n=len(validation.issues)) + "[/]"
            console.print(f"{name}: {verdict}", highlight=False)


class ProgressBars:
    """publish's progress.Watcher as rich progress bars: one per package, with its rows and time left."""

    def __init__(self, progress: Progress, _):
        self.progress, self._, self.tasks, self.rows = progress, _, {}, {}

    def package(self, name: str, total_bytes: int) -> None:
        self.rows[name] = 0
        if name in self.tasks:  # read again (the release is rebuilt when describing a package failed)
            self.progress.reset(self.tasks[name], total=max(total_bytes, 1), rows="")
        else:
            self.tasks[name] = self.progress.add_task(name, total=max(total_bytes, 1), rows="")

    def read(self, name: str, data_bytes: int, rows: int) -> None:
        task = self.tasks[name]
        self.rows[name] += rows
        done = min(self.progress.tasks[task].completed + data_bytes, self.progress.tasks[task].total)
        self.progress.update(task, completed=done, rows=self._("%(rows)s baris", rows=self.rows[name]))

    def done(self, name: str) -> None:
        task = self.tasks[name]
        self.progress.update(task, completed=self.progress.tasks[task].total)


def progress_bars(console: Console) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[rows]}"),
                    TimeRemainingColumn(), console=console, transient=False)
