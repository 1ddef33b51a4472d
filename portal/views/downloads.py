"""Downloads: the exact validated bytes, looked up in the catalog (never a path from the URL)."""

from __future__ import annotations

from flask import Blueprint, abort, g, send_file

from ..catalog import FileInfo

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
    return response


@blueprint.route("/<dataset_name>/<resource_name>.csv")
def resource_csv(dataset_name: str, resource_name: str):
    dataset = g.release.catalog.dataset(dataset_name) or abort(404)
    resource = dataset.resource(resource_name) or abort(404)
    return send_release_file(resource.file, resource.download_name, "text/csv")


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
    """Stable URL of one version's file: it keeps working after later releases."""
    dataset, version = find_version(dataset_name, number)
    return send_release_file(version.files.get(resource_name), f"{resource_name}-v{number}.csv", "text/csv",
                             stored=True)


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
