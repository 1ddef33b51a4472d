"""Downloads: the exact validated bytes, looked up in the catalog (never a path from the URL)."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, abort, current_app, g, redirect, request, send_file

from ..catalog import DatasetInfo, FileInfo
from ..file_offload import HEADER, OFFLOAD_SCOPE_KEY, offload_header
from ..formats import ORIGINAL, split_file_name, table_files
from ..releases import object_path

blueprint = Blueprint("downloads", __name__, url_prefix="/download")

RELEASE_FILES = {"manifest.json": "application/json", "catalog.json": "application/json"}


def send_release_file(info: FileInfo | None, download_name: str, mimetype: str, stored: bool = False):
    """Send a catalogued file; ``stored`` ones live in the object store rather than the release."""
    if info is None:
        abort(404)
    if current_app.config["DOWNLOAD_BASE_URL"] and request.method in ("GET", "HEAD"):
        return bucket_redirect(info, permanent=stored)
    path = g.release.stored_object(info.path) if stored else g.release.file(info.path)
    response = offloaded(send_file(path, mimetype=mimetype, as_attachment=True,
                                   download_name=download_name, conditional=True, etag=info.sha256), path)
    # Lets a script check the bytes it got against the release manifest.
    response.headers["X-Content-SHA256"] = info.sha256
    response.headers["Access-Control-Allow-Origin"] = "*"  # public data: readable from any web page
    return response


def bucket_redirect(info: FileInfo, permanent: bool) -> Response:
    """To the file's object in the public bucket or CDN (portal push put it there, named by its sha256, with
    its type and file name): the bytes leave from there. A version's file never changes, so its redirect is
    permanent (301); the latest file's lasts until the next release (302)."""
    response = redirect(f"{current_app.config['DOWNLOAD_BASE_URL']}/{object_path(info.sha256)}", 301 if permanent else 302)
    response.headers["X-Content-SHA256"] = info.sha256
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def offloaded(response: Response, path) -> Response:
    """The response without its body, which the event loop sends (portal/file_offload.py) once this
    thread is free: only for a GET of the whole file or of one range, as Werkzeug worked them out."""
    if request.method != "GET" or response.status_code not in (200, 206) \
            or not request.environ.get("asgi.scope", {}).get(OFFLOAD_SCOPE_KEY):
        return response  # HEAD, 304, or not behind portal/asgi.py (Flask's test client): Flask sends it
    start, length = 0, response.content_length
    if response.status_code == 206:
        if response.content_range is None or response.content_range.start is None:
            return response
        start = response.content_range.start
    response.close()
    response.response = []
    response.headers[HEADER] = offload_header(path, start, length)
    response.content_length = length
    return response


def dataset_files(dataset: DatasetInfo) -> list[tuple[str, FileInfo]]:
    """(name a download is saved under, its FileInfo) for every current file of a dataset. The name
    is the last part of the file's URL and of its Content-Disposition, so a folder of downloaded
    files checks with ``sha256sum -c``."""
    files = [(f.file_name, f.info) for resource in dataset.resources for f in table_files(resource)]
    if dataset.zip_file:
        files.append((f"{dataset.name}.zip", dataset.zip_file))
    if dataset.package_file:
        files.append(("datapackage.json", dataset.package_file))
    return files


def checksums(lines: list[tuple[str, FileInfo]], name: str) -> Response:
    body = "".join(f"{info.sha256}  {file_name}\n" for file_name, info in lines)
    response = Response(body, mimetype="text/plain")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.set_etag(hashlib.sha256(body.encode("utf-8")).hexdigest())
    return response


@blueprint.route("/<dataset_name>/SHA256SUMS")
def dataset_checksums(dataset_name: str):
    """Checksums of a dataset's downloads, by the names they are saved under."""
    dataset = g.release.catalog.dataset(dataset_name) or abort(404)
    return checksums(dataset_files(dataset), "SHA256SUMS")


@blueprint.route("/release/SHA256SUMS")
def release_checksums():
    """Checksums of every current download of the release, by path under /download/ (the layout
    of ``wget -r -nH --cut-dirs=1`` on /download/): portal.db, <dataset>.zip, <dataset>/<file>."""
    catalog = g.release.catalog
    lines = [("portal.db", catalog.database)] if catalog.database else []
    for dataset in catalog.datasets:
        lines += [(name if name == f"{dataset.name}.zip" else f"{dataset.name}/{name}", info)
                  for name, info in dataset_files(dataset)]
    return checksums(lines, "SHA256SUMS")


@blueprint.route("/<dataset_name>/<resource_name>.csv")
def resource_csv(dataset_name: str, resource_name: str):
    return resource_file(dataset_name, f"{resource_name}.csv")


@blueprint.route("/<dataset_name>/<file_name>")
def resource_file(dataset_name: str, file_name: str):
    """Every format of a table: <resource>.csv (the validated original), .excel.csv, .xlsx, .json."""
    dataset = g.release.catalog.dataset(dataset_name) or abort(404)
    resource, fmt = find_format(dataset, file_name)
    info = resource.file if fmt is ORIGINAL else resource.downloads.get(fmt.key)
    return send_release_file(info, file_name, fmt.mimetype)


def find_format(dataset, file_name: str):
    split = split_file_name(file_name) or abort(404)
    resource = dataset.resource(split[0]) or abort(404)
    return resource, split[1]


@blueprint.route("/<dataset_name>.zip")
def dataset_zip(dataset_name: str):
    dataset = g.release.catalog.dataset(dataset_name) or abort(404)
    return send_release_file(dataset.zip_file, f"{dataset.name}.zip", "application/zip")


@blueprint.route("/<dataset_name>/datapackage.json")
def dataset_descriptor(dataset_name: str):
    dataset = g.release.catalog.dataset(dataset_name) or abort(404)
    return send_release_file(dataset.package_file, "datapackage.json", "application/json")


def find_version(dataset_name: str, number: int):
    dataset = g.release.catalog.dataset(dataset_name) or abort(404)
    return dataset, dataset.version_number(number) or abort(404)


@blueprint.route("/<dataset_name>/v<int:number>/<resource_name>.csv")
def versioned_csv(dataset_name: str, number: int, resource_name: str):
    return versioned_file(dataset_name, number, f"{resource_name}.csv")


@blueprint.route("/<dataset_name>/v<int:number>/<file_name>")
def versioned_file(dataset_name: str, number: int, file_name: str):
    """Stable URL of one version's file in any format: it keeps working after later releases."""
    dataset, version = find_version(dataset_name, number)
    resource_name, fmt = split_file_name(file_name) or abort(404)
    key = resource_name if fmt is ORIGINAL else f"{resource_name}.{fmt.key}"
    stem = file_name[: -len(fmt.suffix)]
    return send_release_file(version.files.get(key), f"{stem}-v{number}{fmt.suffix}", fmt.mimetype, stored=True)


@blueprint.route("/<dataset_name>/v<int:number>.zip")
def versioned_zip(dataset_name: str, number: int):
    dataset, version = find_version(dataset_name, number)
    return send_release_file(version.files.get("zip"), f"{dataset.name}-v{number}.zip", "application/zip",
                             stored=True)


@blueprint.route("/portal.db")
def database():
    return send_release_file(g.release.catalog.database, "portal.db", "application/vnd.sqlite3")


@blueprint.route("/release/<file_name>")
def release_file(file_name: str):
    if file_name not in RELEASE_FILES:
        abort(404)
    path = g.release.file(file_name)
    return send_file(path, mimetype=RELEASE_FILES[file_name], as_attachment=True,
                     download_name=file_name, conditional=True)
