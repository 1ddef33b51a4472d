"""``portal push`` and the replica side of ``portal serve --from``: releases in S3-compatible storage."""

from __future__ import annotations

import os
import time
from pathlib import Path

import click

from .cli_i18n import LocalizedCommand, language_of
from .cli_options import build_option, language_option
from .messages import translator
from .object_store import StorageError, client, parse_location, push as push_release
from .profile import N_
from .publish.release import PublishLocked, publish_lock
from .releases import current_release_id

endpoint_option = click.option("--endpoint-url", "endpoint_url", default=None, metavar="URL",
                               help=N_("Alamat server S3 (MinIO, SeaweedFS, Ceph…); bawaan: variabel lingkungan "
                                       "AWS_ENDPOINT_URL, bila tidak ada AWS."))


def said(error: StorageError, language: str) -> str:
    return translator(language)(error.template, **error.params)


@click.command(cls=LocalizedCommand, help=N_("Unggah rilis yang tayang ke penyimpanan objek S3 dan arahkan penunjuknya ke rilis itu."))
@build_option
@click.option("--to", "target", required=True, metavar="s3://BUCKET/PREFIX", help=N_("Tujuan di penyimpanan objek."))
@endpoint_option
@language_option
def push(build_dir: Path, target: str, endpoint_url: str | None, language: str):
    _ = translator(language)
    started = time.perf_counter()
    try:
        location = parse_location(target)
        with publish_lock(build_dir):  # not while a publish switches the release being pushed
            result = push_release(build_dir, location, client(endpoint_url))
    except StorageError as error:
        raise click.ClickException(_("push gagal: %(error)s", error=said(error, language))) from None
    except PublishLocked:
        raise click.ClickException(_("push gagal: %(error)s", error=_("publish lain sedang berjalan pada %(build)s",
                                                                     build=str(build_dir)))) from None
    click.echo(_("Rilis %(id)s di %(location)s: %(uploaded)s berkas diunggah (%(mb)s MB), %(present)s sudah ada; "
                 "%(pointer)s (%(seconds)s s).", id=result.release, location=str(location), uploaded=str(result.uploaded),
                 mb=f"{result.uploaded_bytes / 1e6:.1f}", present=str(result.present), seconds=f"{time.perf_counter() - started:.1f}",
                 pointer=_("penunjuk dipindah") if result.moved_pointer else _("penunjuk sudah menunjuk rilis ini")))


def prepare_replica(source: str, cache_dir: Path, endpoint_url: str | None) -> None:
    """Before `portal serve --from` starts its workers: the bucket's current release in ``cache_dir``, and
    the settings that make every worker keep it current. Without a release to serve it stops, saying why."""
    from .replica import Replica, sync_with_status

    _ = translator(language_of())
    try:
        location = parse_location(source)
    except StorageError as error:
        raise click.UsageError(said(error, language_of())) from None
    cache_dir.mkdir(parents=True, exist_ok=True)
    release_id = sync_with_status(Replica(location, cache_dir, client(endpoint_url)))
    if release_id is None:
        from .replica import read_status

        reason = read_status(cache_dir) or {}
        message = _(reason["template"], **reason.get("params", {})) if reason.get("template") else ""
        if current_release_id(cache_dir) is None:
            raise click.ClickException(_("tidak ada rilis untuk disajikan dari %(source)s: %(error)s",
                                         source=str(location), error=message))
        click.echo(_("Penyimpanan tidak terbaca (%(error)s): rilis %(id)s di %(cache)s disajikan sampai terbaca lagi.",
                     error=message, id=current_release_id(cache_dir), cache=str(cache_dir)), err=True)
    os.environ["PORTAL_SYNC_FROM"] = str(location)
    if endpoint_url:
        os.environ["AWS_ENDPOINT_URL"] = endpoint_url  # the workers' boto3 reads it
