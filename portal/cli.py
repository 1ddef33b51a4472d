"""The ``portal`` command: publish the datasets, serve the portal."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from .publish import publish as run_publish
from .publish.release import PublishLocked
from .publish.report import FAILED, KEPT_PREVIOUS, PublishReport
from .store import ReleaseStore

STATUS_LABELS = {"published": "[green]published[/]", KEPT_PREVIOUS: "[yellow]INVALID: previous version kept[/]",
                 FAILED: "[red]INVALID: not published[/]"}

datasets_option = click.option("--datasets", "datasets_dir", default="datasets", show_default=True,
                               type=click.Path(file_okay=False, path_type=Path), help="Folder of data packages.")
metadata_option = click.option("--metadata", "metadata_dir", default="metadata", show_default=True,
                               type=click.Path(file_okay=False, path_type=Path), help="Folder of portal metadata (YAML).")
build_option = click.option("--build", "build_dir", default="build", show_default=True,
                            type=click.Path(file_okay=False, path_type=Path), help="Folder holding the releases.")


@click.group()
@click.version_option(package_name="malang-open-data-portal")
def cli():
    "Portal Data Terbuka Smart City Kota Malang."


@cli.command()
@datasets_option
@metadata_option
@build_option
@click.option("--json", "as_json", is_flag=True, help="Print the machine-readable report on stdout.")
def publish(datasets_dir: Path, metadata_dir: Path, build_dir: Path, as_json: bool):
    "Validate every data package and publish the valid ones as a new release."
    for folder in (datasets_dir, metadata_dir):
        if not folder.is_dir():
            raise click.UsageError(f"folder not found: {folder}")
    console = Console(stderr=True)
    try:
        with console.status("publish") as status:
            report = run_publish(datasets_dir, metadata_dir, build_dir, log=lambda message: status.update(message))
    except PublishLocked as error:
        console.print(f"[red]{error}[/]")
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print_report(report, Console())
    sys.exit(0 if report.ok else 1)


def print_report(report: PublishReport, console: Console) -> None:
    for issue in report.all_issues():
        console.print(f"[red]error[/] {issue.location()}: [bold]{issue.code}[/] {issue.message}",
                      highlight=False, soft_wrap=True)
    table = Table(title="Publish summary")
    for column in ("dataset", "status", "rows", "errors"):
        table.add_column(column)
    for outcome in report.datasets:
        table.add_row(outcome.name, STATUS_LABELS[outcome.status], str(outcome.rows), str(len(outcome.issues)))
    console.print(table)
    for outcome in report.datasets:
        if outcome.status == KEPT_PREVIOUS:
            console.print(f"{outcome.name} is invalid: its version from release {outcome.previous_release} "
                          "stays published.", soft_wrap=True)
    if report.release_id:
        console.print(f"Release [bold]{report.release_id}[/] is live ({report.seconds} s).")
    else:
        console.print("[red]Nothing was released; what was live stays live.[/]")


@cli.command()
@build_option
@datasets_option
@metadata_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option("--workers", default=max(2, min(4, os.cpu_count() or 1)), show_default=True, help="Number of server processes.")
def serve(build_dir: Path, datasets_dir: Path, metadata_dir: Path, host: str, port: int, workers: int):
    "Run the portal with granian, publishing the datasets first when no release exists."
    from granian import Granian
    from granian.constants import Interfaces

    if ReleaseStore(build_dir).current() is None:
        click.echo(f"No release this version can serve in {build_dir}: publishing {datasets_dir} first.", err=True)
        report = run_publish(datasets_dir, metadata_dir, build_dir)
        print_report(report, Console(stderr=True))
        if report.release_id is None:
            sys.exit(1)
    os.environ["PORTAL_BUILD_DIR"] = str(build_dir.resolve())  # read by every worker process
    # granian rather than uvicorn: uvicorn's multi-worker sockets lose TCP_NODELAY, which
    # costs each keep-alive request a 40 ms delayed-ACK stall (bench/bench_pages.py).
    Granian("portal.asgi:app", address=host, port=port, interface=Interfaces.ASGI, workers=workers,
            respawn_failed_workers=True).serve()


@cli.command("generate-samples")
@datasets_option
@click.option("--seed", default=2026, show_default=True, help="Seed of the pseudo-random generator.")
def generate_samples_command(datasets_dir: Path, seed: int):
    "Rewrite the synthetic sample packages (sampel-*) deterministically from a seed."
    from .samples import generate_samples

    for path in generate_samples(datasets_dir, seed=seed):
        click.echo(path)


def main():
    cli()
