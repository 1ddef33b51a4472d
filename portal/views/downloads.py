"""Downloads: the exact validated bytes, looked up in the catalog (never a path from the URL)."""

from __future__ import annotations

from flask import Blueprint, abort, g, send_file

from ..catalog import FileInfo
from ..formats import ORIGINAL, split_file_name

blueprint = Blueprint("downloads", __name__, url_prefix="/download")

RELEASE_FILES = {"manifest.json": "application/json", "SHA256SUMS": "text/plain", "catalog.json": "application/json"}


def send_release_file(info: FileInfo | None, download_name: str, mimetype: str, stored: bool = False):
    """Send a catalogued file; ``stored`` ones live in the object store rather than the release."""
    if info is None:
        abort(404)
    path = g.release.stored_object(info.path) if stored else g.release.file(info.path)
    response = send_file(path, mimetype=mimetype, as_attachment=True,
                         download_name=download_name, conditional=True, etag=info.sha256)
    # Lets a script check the bytes it got against the release manifest.
    response.headers["X-Content-SHA256"] = info.sha256
    response.headers["Access-Control-Allow-Origin"] = "*"  # public data: readable from any web page
    return response


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
    return send_release_file(g.release.catalog.database, f"portal-{g.release.id}.db", "application/vnd.sqlite3")


@blueprint.route("/release/<file_name>")
def release_file(file_name: str):
    if file_name not in RELEASE_FILES:
        abort(404)
    path = g.release.file(file_name)
    return send_file(path, mimetype=RELEASE_FILES[file_name], as_attachment=True,
                     download_name=file_name, conditional=True)
