"""The ``portal`` command: publish the datasets, serve the portal."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import socket
import sqlite3
import sys
from pathlib import Path

import click
from rich.console import Console

from .publish import publish as run_publish
from .publish.console import ProgressBars, print_check, print_issues, print_report, progress_bars, translator
from .publish.progress import watched_by
from .publish.discover import discover
from .publish.metadata import load_metadata
from .publish.release import PublishLocked
from .publish.validate import validate
from .scaffold import ScaffoldError, new_package, placeholders
from .store import ReleaseStore
from .urls import parse_base_url

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


language_option = click.option("--lang", "language", type=click.Choice(["id", "en"]), default="id", show_default=True,
                               help="Language of the messages.")
quiet_option = click.option("--quiet", is_flag=True, help="Print only problems and the final line (for CI).")
json_option = click.option("--json", "as_json", is_flag=True, help="Print the machine-readable report on stdout.")


@cli.command()
@datasets_option
@metadata_option
@build_option
@json_option
@click.option("--only", "only", multiple=True, metavar="NAME",
              help="Publish only this dataset (repeatable); the others stay as they are live.")
@click.option("--full", is_flag=True, help="Validate and load every package, even unchanged ones.")
@click.option("--dry-run", is_flag=True, help="Build and check the release, but do not put it live.")
@language_option
@quiet_option
def publish(datasets_dir: Path, metadata_dir: Path, build_dir: Path, as_json: bool, only: tuple[str, ...], full: bool,
            dry_run: bool, language: str, quiet: bool):
    "Validate every data package and publish the valid ones as a new release."
    check_folders(datasets_dir, metadata_dir)
    unknown = set(only) - {source.name for source in discover(datasets_dir)}
    if unknown:
        raise click.UsageError(f"--only: no such dataset in {datasets_dir} / tidak ada dataset itu: "
                               f"{', '.join(sorted(unknown))}")
    console = Console(stderr=True, quiet=quiet or as_json)
    try:
        with progress_bars(console) as bars, watched_by(ProgressBars(bars, translator(language))):
            stage = bars.add_task("publish", total=None, rows="")
            report = run_publish(datasets_dir, metadata_dir, build_dir,
                                 log=lambda message: bars.update(stage, description=message),
                                 only=set(only) or None, full=full, dry_run=dry_run)
            bars.remove_task(stage)
    except PublishLocked as error:
        Console(stderr=True).print(f"[red]{error}[/]")
        sys.exit(1)
    except (OSError, sqlite3.Error) as error:  # disk full, permissions…: the staged release is already removed
        Console(stderr=True).print(f"[red]publish failed / penerbitan gagal: {error}. "
                                   "Nothing was changed; what is live stays live.[/]")
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print_report(report, Console(), translator(language), quiet=quiet, dry_run=dry_run)
    sys.exit(0 if report.ok else 1)


@cli.command()
@click.argument("names", nargs=-1, metavar="[NAME...]")
@datasets_option
@metadata_option
@json_option
@language_option
@quiet_option
def check(names: tuple[str, ...], datasets_dir: Path, metadata_dir: Path, as_json: bool, language: str, quiet: bool):
    "Validate data packages without publishing (same rules and messages as publish)."
    check_folders(datasets_dir, metadata_dir)
    metadata, problems = load_metadata(metadata_dir)
    sources = discover(datasets_dir)
    unknown = set(names) - {s.name for s in sources}
    if unknown:
        raise click.UsageError(f"no such dataset in {datasets_dir}: {', '.join(sorted(unknown))}")
    validations = {} if problems else validate(sources, metadata)
    chosen = {name: v for name, v in validations.items() if not names or name in names}
    ok = not problems and all(v.passed for v in chosen.values())
    if as_json:
        click.echo(json.dumps({"ok": ok, "issues": [dataclasses.asdict(i) for i in problems],
                               "datasets": {name: {"valid": v.passed, "issues": [dataclasses.asdict(i) for i in v.issues]}
                                            for name, v in chosen.items()}}, ensure_ascii=False, indent=2))
    else:
        _ = translator(language)
        console = Console()
        print_issues(problems, console, _)
        print_check(chosen, console, _, quiet=quiet)
    sys.exit(0 if ok else 1)


@cli.command()
@click.argument("name", metavar="NAME")
@click.argument("csv_files", nargs=-1, required=True, metavar="FILE...",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@datasets_option
@click.option("--sheet", metavar="NAME", help="Sheet of an .xlsx workbook to read (default: the first).")
@click.option("--header-row", type=click.IntRange(1), metavar="N",
              help="Row number (as the spreadsheet shows it) of the column titles, when the guess is wrong.")
@click.option("--no-header", is_flag=True, help="The files have no row of column titles: name them kolom_1, kolom_2...")
@language_option
def new(name: str, csv_files: tuple[Path, ...], datasets_dir: Path, sheet: str | None, header_row: int | None,
        no_header: bool, language: str):
    "Create datasets/NAME from CSV exports or .xlsx workbooks: clean table, inferred schema, metadata to fill in."
    _ = translator(language)
    try:
        folder, notes = new_package(name, list(csv_files), datasets_dir, header_row=header_row,
                                    no_header=no_header, sheet=sheet)
    except ScaffoldError as error:
        raise click.ClickException(str(error)) from None
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    click.echo(_("Dibuat: %(folder)s", folder=folder))
    for file in dict.fromkeys(note.file for note in notes):
        click.echo(_("Yang diubah atau diasumsikan pada %(file)s:", file=file))
        for note in notes:
            if note.file == file:
                click.echo(f"  - {note.text(_)}")
    click.echo(_("Isi bagian berikut (atau hapus properti anjuran yang tidak berlaku), lalu jalankan: "
                 "portal check %(name)s", name=name))
    for path, value, count in grouped_placeholders(descriptor):
        click.echo(f"  - {path}: {value}" + (f" (×{count})" if count > 1 else ""))


def grouped_placeholders(descriptor: dict) -> list[tuple[str, str, int]]:
    """Placeholders, those repeated per column (fields[3].description) listed once with their count."""
    groups: dict[tuple[str, str], int] = {}
    for path, value in placeholders(descriptor):
        key = (re.sub(r"fields\[\d+\]", "fields[*]", path), value)
        groups[key] = groups.get(key, 0) + 1
    return [(path, value, count) for (path, value), count in groups.items()]


def check_folders(*folders: Path) -> None:
    for folder in folders:
        if not folder.is_dir():
            raise click.UsageError(f"folder not found: {folder}")


@cli.command()
@build_option
@datasets_option
@metadata_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--workers", default=max(2, min(4, os.cpu_count() or 1)), show_default=True, help="Number of server processes.")
def serve(build_dir: Path, datasets_dir: Path, metadata_dir: Path, host: str, port: int, workers: int):
    "Run the portal with granian, publishing the datasets first when no release exists."
    from granian import Granian
    from granian.constants import Interfaces

    if ReleaseStore(build_dir).current() is None:
        click.echo(f"No release this version can serve in {build_dir}: publishing {datasets_dir} first.", err=True)
        report = run_publish(datasets_dir, metadata_dir, build_dir)
        print_report(report, Console(stderr=True), translator("id"))
        if report.release_id is None:
            sys.exit(1)
    os.environ["PORTAL_BUILD_DIR"] = str(build_dir.resolve())  # read by every worker process
    # Links name this server unless the public address is configured (behind a proxy it must be).
    shown_host = f"[{host}]" if ":" in host else host
    if not os.environ.get("PORTAL_BASE_URL"):
        os.environ["PORTAL_BASE_URL"] = f"http://{shown_host}:{port}"
    try:
        parse_base_url(os.environ["PORTAL_BASE_URL"])
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    refuse_port_in_use(host, port)
    # granian rather than uvicorn: uvicorn's multi-worker sockets lose TCP_NODELAY, which
    # costs each keep-alive request a 40 ms delayed-ACK stall (bench/bench_pages.py).
    Granian("portal.asgi:app", address=host, port=port, interface=Interfaces.ASGI, workers=workers,
            respawn_failed_workers=True).serve()


def refuse_port_in_use(host: str, port: int) -> None:
    """Granian binds with SO_REUSEPORT, so a second `portal serve` on the same port would silently share
    its traffic with the first (possibly serving another build): refuse instead."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # connections closing (TIME_WAIT) are no server
        try:
            probe.bind((host, port))
        except OSError as error:
            raise click.ClickException(f"port {port} on {host} is already in use / sudah dipakai: {error.strerror}. "
                                       "Stop the other server or choose another --port.") from None


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
