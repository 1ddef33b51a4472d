"""The Flask application factory: the portal's own pages and downloads.

``portal.asgi`` puts Datasette beside it; this module knows nothing of Datasette
except the URL prefix it lives under.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, current_app, g, has_request_context, render_template, request, url_for
from flask_babel import Babel, get_locale

from .config import resolve_settings
from .favicon import favicon_ico
from .formatting import day_element, format_filesize, format_number, time_element
from .replica import read_status
from .store import ReleaseStore
from .release_urls import RELEASE_SCOPE_KEY, scoped_path
from .urls import DATABASE_NAME, SQL_PREFIX, canonical_environ, parse_base_url, parse_download_base_url

LANGUAGES = ("id", "en")


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(resolve_settings(config))
    base_url = parse_base_url(app.config["BASE_URL"])
    app.config["BASE_URL"] = base_url.origin
    app.config["DOWNLOAD_BASE_URL"] = parse_download_base_url(app.config["DOWNLOAD_BASE_URL"])
    wsgi_app = app.wsgi_app
    # Every URL Flask builds (url_for(_external=True), redirects) names the configured base URL.
    app.wsgi_app = lambda environ, start_response: wsgi_app(canonical_environ(environ, base_url), start_response)
    app.extensions["release_store"] = ReleaseStore(Path(app.config["BUILD_DIR"]), verify=app.config["VERIFY_RELEASES"],
                                                   recheck_seconds=app.config["RECHECK_RELEASE_SECONDS"])
    Babel(app, locale_selector=select_locale)

    from .views import api, budget, charts, datasets, downloads, feeds, maps, pages, places  # noqa: F401 (they add routes to pages)

    app.register_blueprint(pages.blueprint)
    app.register_blueprint(downloads.blueprint)
    app.register_blueprint(feeds.blueprint)
    from .views import ckan_api, dcat_views

    app.register_blueprint(ckan_api.blueprint)
    app.register_blueprint(dcat_views.blueprint)
    app.register_blueprint(api.blueprint)

    @app.route("/favicon.ico")
    def favicon():
        # Browsers ask for it on every site whatever the pages link; drawn in code (portal/favicon.py).
        response = Response(favicon_ico(), mimetype="image/vnd.microsoft.icon")
        response.cache_control.public = True
        response.cache_control.max_age = 86400
        return response

    @app.route("/-/health")
    def health():
        """For load balancers and people: which release is served, and which were refused."""
        report = app.extensions["release_store"].health()
        if app.config["SYNC_FROM"]:  # a replica: did its last look at the bucket work?
            report["replica"] = read_status(app.config["BUILD_DIR"]) or {"ok": False, "error": "not synced yet"}
            if not report["replica"].get("ok") and report["status"] == "ok":
                report["status"] = "degraded"
        return report, 200 if report["serving"] else 503

    @app.before_request
    def pin_release():
        # One release per request: read `current` once, use it for the whole page.
        # portal.asgi pins it for release-scoped URLs (/r/<id>/api/…) and their aliases.
        pinned = request.environ.get("asgi.scope", {}).get(RELEASE_SCOPE_KEY)
        store = app.extensions["release_store"]
        g.release = (store.release(pinned) if pinned else None) or store.current()
        if g.release is None and request.endpoint not in ("static", "health", "favicon"):
            return render_template("errors/no_release.html"), 503

    @app.context_processor
    def portal_context():
        release = g.get("release")
        return {
            "release": release,
            "catalog": release.catalog if release else None,
            "sql_prefix": scoped_path(release.id, SQL_PREFIX) if release else SQL_PREFIX,  # links: this release's
            "database_url": f"{SQL_PREFIX}/{DATABASE_NAME}",  # shown in the docs: always the live release
            "ui_language": str(get_locale()),
        }

    @app.url_defaults
    def keep_language(endpoint, values):
        # The language travels in links (?lang=en), so every page and shared URL keeps it.
        if "lang" not in values and not endpoint.startswith(("static", "downloads.")) and has_request_context() \
                and str(get_locale()) != app.config["BABEL_DEFAULT_LOCALE"]:
            values["lang"] = str(get_locale())

    @app.template_global()
    def language_url(code: str) -> str:
        """This page in another language (for the switch and hreflang alternates)."""
        args = request.args.to_dict(flat=False)
        args["lang"] = code
        return url_for(request.endpoint or "pages.home", **(request.view_args or {}), **args)

    @app.template_global()
    def portal_link(path: str) -> str:
        """A plain portal path that keeps the language; Datasette's pages get a version without it."""
        locale = str(get_locale())
        return path if locale == app.config["BABEL_DEFAULT_LOCALE"] else f"{path}?lang={locale}"

    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["filesize"] = format_filesize
    app.jinja_env.filters["timestamp"] = time_element
    app.jinja_env.filters["day"] = day_element

    @app.errorhandler(404)
    def not_found(error):
        if request.path.startswith("/api/"):  # machines get JSON, never an HTML page
            return {"error": getattr(error, "description", "not found"), "status": 404}, 404
        return render_template("errors/404.html"), 404

    @app.errorhandler(500)
    def server_error(error):
        return render_template("errors/500.html"), 500

    return app


def select_locale() -> str:
    asked = request.args.get("lang")
    return asked if asked in LANGUAGES else current_app.config["BABEL_DEFAULT_LOCALE"]
