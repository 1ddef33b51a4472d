"""The ``portal`` command: publish the datasets, serve the portal."""

from __future__ import annotations

import json
import os
import re
import socket
import sqlite3
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from .cli_i18n import LocalizedGroup, language_callback, language_of
from .cli_options import build_option, datasets_option, language_option, metadata_option
from .cli_storage import endpoint_option, prepare_replica, push
from .messages import translator
from .profile import N_
from .publish import publish as run_publish
from .publish.console import ProgressBars, print_check, print_issues, print_report, progress_bars
from .publish.json_report import check_json, publish_json
from .publish.progress import watched_by
from .publish.discover import discover
from .publish.disk_full import DiskFull, disk_full
from .publish.metadata import load_metadata
from .publish.release import PublishLocked, RollbackRefused, roll_back
from .publish.report import PublishReport
from .publish.validate import validate
from .scaffold import ScaffoldError, new_package, placeholders
from .releases import release_ids
from .store import ReleaseStore
from .urls import parse_base_url, parse_download_base_url

@click.group(cls=LocalizedGroup, help=N_("Portal Data Terbuka Smart City Kota Malang."))
@click.version_option(package_name="malang-open-data-portal", help=N_("Tampilkan versi lalu keluar."))
@click.option("--lang", type=click.Choice(["id", "en"]), expose_value=False, callback=language_callback,
              help=N_("Bahasa pesan dan bantuan semua perintah: id atau en."))
def cli():
    pass


quiet_option = click.option("--quiet", is_flag=True, help=N_("Cetak hanya masalah dan baris terakhir (untuk CI)."))
json_option = click.option("--json", "as_json", is_flag=True, help=N_("Cetak laporan untuk mesin (JSON) ke stdout."))


@cli.command(help=N_("Periksa setiap paket data dan terbitkan yang valid sebagai rilis baru."))
@datasets_option
@metadata_option
@build_option
@json_option
@click.option("--only", "only", multiple=True, metavar="NAME",
              help=N_("Terbitkan hanya dataset ini (boleh berulang); yang lain tetap seperti yang sedang tayang."))
@click.option("--full", is_flag=True, help=N_("Periksa dan muat setiap paket, juga yang tidak berubah."))
@click.option("--dry-run", is_flag=True, help=N_("Bangun dan periksa rilis, tetapi jangan tayangkan."))
@language_option
@quiet_option
def publish(datasets_dir: Path, metadata_dir: Path, build_dir: Path, as_json: bool, only: tuple[str, ...], full: bool,
            dry_run: bool, language: str, quiet: bool):
    _ = translator(language)
    check_folders(datasets_dir, metadata_dir)
    unknown = set(only) - {source.name for source in discover(datasets_dir)}
    if unknown:
        raise click.UsageError(_("--only: tidak ada dataset itu di %(folder)s: %(names)s", folder=str(datasets_dir),
                                 names=", ".join(sorted(unknown))))
    console = Console(stderr=True, quiet=quiet or as_json)
    try:
        with progress_bars(console) as bars, watched_by(ProgressBars(bars, _)):
            stage = bars.add_task("publish", total=None, rows="")
            report = run_publish(datasets_dir, metadata_dir, build_dir,
                                 log=lambda message: bars.update(stage, description=message),
                                 only=set(only) or None, full=full, dry_run=dry_run)
            bars.remove_task(stage)
    except PublishLocked as error:
        Console(stderr=True).print("[red]" + escape(_("Penerbitan lain sedang berjalan: %(error)s", error=str(error)))
                                   + "[/]")
        sys.exit(1)
    except (OSError, sqlite3.Error) as error:  # permissions…: the staged release is already removed
        full = disk_full(error, build_dir)  # one the release build did not see (the build folder's lock file, say)
        if full is None:
            Console(stderr=True).print("[red]" + escape(_("penerbitan gagal: %(error)s. Tidak ada yang berubah; yang "
                                                          "sedang tayang tetap tayang.", error=str(error))) + "[/]")
            sys.exit(1)
        report = PublishReport(issues=[full.issue])
    if as_json:
        click.echo(json.dumps(publish_json(report, language), ensure_ascii=False, indent=2))
    else:
        print_report(report, Console(), language, quiet=quiet, dry_run=dry_run)
    sys.exit(0 if report.ok else 1)


@cli.command(help=N_("Periksa paket data tanpa menerbitkan (aturan dan pesan sama dengan publish)."))
@click.argument("names", nargs=-1, metavar="[NAME...]")
@datasets_option
@metadata_option
@json_option
@language_option
@quiet_option
def check(names: tuple[str, ...], datasets_dir: Path, metadata_dir: Path, as_json: bool, language: str, quiet: bool):
    check_folders(datasets_dir, metadata_dir)
    metadata, problems = load_metadata(metadata_dir)
    sources = discover(datasets_dir)
    unknown = set(names) - {s.name for s in sources}
    if unknown:
        _ = translator(language)
        raise click.UsageError(_("tidak ada dataset itu di %(folder)s: %(names)s", folder=str(datasets_dir),
                                 names=", ".join(sorted(unknown))))
    try:
        validations = {} if problems else validate(sources, metadata)
    except DiskFull as full:  # the throwaway database check loads into
        problems, validations = [full.issue], {}
    chosen = {name: v for name, v in validations.items() if not names or name in names}
    ok = not problems and all(v.passed for v in chosen.values())
    if as_json:
        click.echo(json.dumps(check_json(ok, problems, chosen, language), ensure_ascii=False, indent=2))
    else:
        console = Console()
        print_issues(problems, console, language)
        print_check(chosen, console, language, quiet=quiet)
    sys.exit(0 if ok else 1)


@cli.command(help=N_("Buat datasets/NAME dari ekspor CSV atau buku kerja .xlsx: tabel bersih, skema tersimpulkan, "
                     "metadata untuk diisi."))
@click.argument("name", metavar="NAME")
@click.argument("csv_files", nargs=-1, required=True, metavar="FILE...",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@datasets_option
@click.option("--sheet", metavar="NAME", help=N_("Lembar buku kerja .xlsx yang dibaca (bawaan: yang pertama)."))
@click.option("--header-row", type=click.IntRange(1), metavar="N",
              help=N_("Nomor baris judul kolom (seperti di spreadsheet), bila tebakannya salah."))
@click.option("--no-header", is_flag=True,
              help=N_("Berkas tidak punya baris judul kolom: kolom dinamai kolom_1, kolom_2..."))
@language_option
def new(name: str, csv_files: tuple[Path, ...], datasets_dir: Path, sheet: str | None, header_row: int | None,
        no_header: bool, language: str):
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
            _ = translator(language_of())
            raise click.UsageError(_("folder tidak ditemukan: %(folder)s", folder=str(folder)))


@cli.command(help=N_("Jalankan portal dengan granian; dataset diterbitkan dulu bila belum ada rilis."))
@build_option
@datasets_option
@metadata_option
@click.option("--host", default="127.0.0.1", show_default=True, help=N_("Alamat yang didengarkan."))
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help=N_("Port yang didengarkan."))
@click.option("--workers", default=max(2, min(4, os.cpu_count() or 1)), show_default=True,
              help=N_("Jumlah proses server."))
@click.option("--from", "source", default=None, metavar="s3://BUCKET/PREFIX",
              help=N_("Sajikan rilis dari penyimpanan objek (replika): rilis terkini disalin ke --cache, diperiksa, "
                      "dan rilis baru diambil tanpa restart."))
@click.option("--cache", "cache_dir", default="replica-cache", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help=N_("Folder salinan lokal replika (dengan --from)."))
@endpoint_option
def serve(build_dir: Path, datasets_dir: Path, metadata_dir: Path, host: str, port: int, workers: int,
          source: str | None, cache_dir: Path, endpoint_url: str | None):
    _ = translator(language_of())
    if source:
        prepare_replica(source, cache_dir, endpoint_url)
        build_dir = cache_dir
    elif ReleaseStore(build_dir).current() is None:
        if release_ids(build_dir):  # an operator's releases are never replaced behind their back
            raise click.ClickException(_("%(build)s berisi rilis, tetapi tidak ada yang dapat disajikan (rusak atau "
                                         "dari versi lain): jalankan portal rollback RELEASE atau portal publish.",
                                         build=str(build_dir)))
        click.echo(_("Tidak ada rilis yang dapat disajikan versi ini di %(build)s: %(datasets)s diterbitkan dulu.",
                     build=str(build_dir), datasets=str(datasets_dir)), err=True)
        report = run_publish(datasets_dir, metadata_dir, build_dir)
        print_report(report, Console(stderr=True), language_of())
        if report.release_id is None:
            sys.exit(1)
    os.environ["PORTAL_BUILD_DIR"] = str(build_dir.resolve())  # read by every worker process
    # Links name this server unless the public address is configured (behind a proxy it must be).
    shown_host = f"[{host}]" if ":" in host else host
    if not os.environ.get("PORTAL_BASE_URL"):
        os.environ["PORTAL_BASE_URL"] = f"http://{shown_host}:{port}"
    try:
        parse_base_url(os.environ["PORTAL_BASE_URL"])
        parse_download_base_url(os.environ.get("PORTAL_DOWNLOAD_BASE_URL", ""))
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    refuse_port_in_use(host, port)
    # granian rather than uvicorn: uvicorn's multi-worker sockets lose TCP_NODELAY, which
    # costs each keep-alive request a 40 ms delayed-ACK stall (bench/bench_pages.py). Its own command
    # replaces this process: started from here, the supervisor and every worker (spawned, so they
    # re-import the main module) would carry the publishing code, ~50 MB each (bench/bench_attack.py).
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-m", "granian", "--interface", "asgi", "--host", host, "--port", str(port),
                              "--workers", str(workers), "--respawn-failed-workers", "portal.asgi:app"])


def refuse_port_in_use(host: str, port: int) -> None:
    """Granian binds with SO_REUSEPORT, so a second `portal serve` on the same port would silently share
    its traffic with the first (possibly serving another build): refuse instead."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # connections closing (TIME_WAIT) are no server
        try:
            probe.bind((host, port))
        except OSError as error:
            _ = translator(language_of())
            raise click.ClickException(_("port %(port)s di %(host)s sudah dipakai: %(reason)s. Hentikan server lain "
                                         "itu atau pilih --port lain.", port=str(port), host=host,
                                         reason=error.strerror)) from None


@cli.command(help=N_("Tayangkan lagi rilis yang disimpan (bawaan: rilis sebelum yang sedang tayang), setelah "
                     "semua berkasnya diperiksa."))
@click.argument("release_id", metavar="[RELEASE]", required=False)
@build_option
@language_option
def rollback(release_id: str | None, build_dir: Path, language: str):
    _ = translator(language)
    try:
        chosen = roll_back(build_dir, release_id)
    except (RollbackRefused, PublishLocked) as error:
        reason = (_(error.template, **error.params) if isinstance(error, RollbackRefused)
                  else _("publish lain sedang berjalan pada %(build)s", build=str(build_dir)))
        raise click.ClickException(_("rollback gagal: %(error)s. Yang sedang tayang tetap tayang.",
                                     error=reason)) from None
    click.echo(_("Rilis %(id)s tayang lagi; server yang berjalan memakainya mulai permintaan berikutnya.", id=chosen))


cli.add_command(push)


def main():
    cli()
