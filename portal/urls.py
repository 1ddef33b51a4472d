"""Where the portal is: the one configured base URL every absolute URL is built from, and the
fixed paths of its parts.

A request's ``Host`` header (or ``X-Forwarded-Host``) never reaches URL building: the WSGI environ
and the ASGI scope are rewritten to the base URL before Flask or Datasette see them, so pages,
JSON-LD, DCAT, the CKAN API, feeds, sitemap, citations and redirects all name the same host.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

SQL_PREFIX = "/sql"
DATABASE_NAME = "portal"
DEVELOPMENT_BASE_URL = "http://127.0.0.1:8000"  # `portal serve`'s default address
# Headers that would let a client or an untrusted proxy choose the host, scheme or client address.
FORWARDED_HEADERS = (b"x-forwarded-host", b"x-forwarded-proto", b"x-forwarded-for", b"forwarded",
                     b"x-forwarded-port", b"x-forwarded-prefix")


def table_url(table: str, suffix: str = "") -> str:
    return f"{SQL_PREFIX}/{DATABASE_NAME}/{table}{suffix}"


@dataclass(frozen=True)
class Links:
    """Absolute URLs of the portal's pages and downloads, for the machine-readable catalogs
    (the views build them with url_for, so they follow the routes)."""

    home: str
    dataset: Callable[[str], str]  # dataset name -> dataset page
    download: Callable[[str, str], str]  # dataset name, file name (x.csv, x.xlsx…) -> its download
    dataset_zip: Callable[[str], str]  # dataset name -> the zip of the whole package
    theme: Callable[[str], str]  # theme id -> theme page
    themes: str  # the list of themes
    publisher: Callable[[str], str]  # publisher id -> publisher page
    place: Callable[[str], str]  # kode wilayah -> the area


@dataclass(frozen=True)
class BaseUrl:
    scheme: str  # http or https
    host: str  # host[:port] as written in URLs
    hostname: str
    port: int

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.host}"


def parse_base_url(text: str) -> BaseUrl:
    """``https://data.example.go.id`` (a port is allowed; a path, query or user is not: the portal
    is served at the root of its host)."""
    parts = urlsplit((text or "").strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"PORTAL_BASE_URL must be http(s)://host[:port], got {text!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"PORTAL_BASE_URL must be http(s)://host[:port] with no path, query or user, got {text!r}")
    default_port = 443 if parts.scheme == "https" else 80
    port = parts.port or default_port
    hostname = parts.hostname
    shown = f"[{hostname}]" if ":" in hostname else hostname
    host = shown if port == default_port else f"{shown}:{port}"
    return BaseUrl(parts.scheme, host, hostname, port)


def parse_download_base_url(text: str) -> str:
    """PORTAL_DOWNLOAD_BASE_URL: where the bucket's objects are public (``https://cdn.example.go.id/portal``, its
    objects/ab/abcd… below it), without a trailing slash; empty = the portal sends downloads itself."""
    text = (text or "").strip().rstrip("/")
    parts = urlsplit(text)
    if text and (parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment):
        raise ValueError(f"PORTAL_DOWNLOAD_BASE_URL must be http(s)://host[/path], got {text!r}")
    return text


def canonical_environ(environ: dict, base: BaseUrl) -> dict:
    """A WSGI environ whose host and scheme are the base URL's (Werkzeug builds URLs from these)."""
    environ = {key: value for key, value in environ.items()
               if key not in ("HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_PORT",
                              "HTTP_X_FORWARDED_PREFIX", "HTTP_FORWARDED")}
    environ.update({"HTTP_HOST": base.host, "SERVER_NAME": base.hostname, "SERVER_PORT": str(base.port),
                    "wsgi.url_scheme": base.scheme})
    return environ


def canonical_scope(scope: dict, base: BaseUrl) -> dict:
    """An ASGI scope whose host and scheme are the base URL's (Datasette builds its absolute
    URLs, e.g. ``next_url``, from the Host header)."""
    headers = [(name, value) for name, value in scope.get("headers", [])
               if name.lower() != b"host" and name.lower() not in FORWARDED_HEADERS]
    headers.append((b"host", base.host.encode("ascii")))
    return dict(scope, headers=headers, scheme=base.scheme, server=(base.hostname, base.port))


class TrustedProxies:
    """Addresses (or networks) of the reverse proxies whose ``X-Forwarded-For`` is believed; from
    anyone else it is ignored. (``X-Forwarded-Host`` and ``-Proto`` are never needed: the base URL
    says both.)"""

    def __init__(self, spec: str):
        self.networks = [ipaddress.ip_network(item.strip(), strict=False)
                         for item in (spec or "").split(",") if item.strip()]

    def trusts(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def client(self, scope: dict) -> str:
        """The client's address: the peer, or behind trusted proxies the right-most address in
        X-Forwarded-For that no trusted proxy added (a client can write anything left of that)."""
        peer = (scope.get("client") or ("", 0))[0] or ""
        if not self.trusts(peer):
            return peer
        # Several X-Forwarded-For headers count as one list, in order.
        forwarded = b",".join(value for name, value in scope.get("headers", []) if name.lower() == b"x-forwarded-for")
        for address in reversed([part.strip() for part in forwarded.decode("latin-1").split(",") if part.strip()]):
            if not self.trusts(address):
                return address
        return peer
