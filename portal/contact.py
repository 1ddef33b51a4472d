"""Who to write to: each publisher's contact, the portal's own, the PPID channel, and the
"Laporkan kesalahan" link of a dataset. Everything comes from the release catalog
(metadata/publishers.yaml and metadata/portal.yaml through publish); an address that is not
there is shown as missing, never guessed."""

from __future__ import annotations

from urllib.parse import quote

from .catalog import Catalog, DatasetInfo, Publisher


def has_direct_contact(publisher: Publisher | None) -> bool:
    """An email, phone or office address: a home page alone is not a way to reach someone."""
    return bool(publisher and (publisher.email or publisher.phone or publisher.address))


def portal_contact(catalog: Catalog) -> dict:
    """The portal team's contact (portal.yaml contact_email / contact_url), else the operator's."""
    operator = catalog.publisher(catalog.portal.get("operator", "")) if catalog.portal else None
    return {
        "email": catalog.portal.get("contact_email") or (operator.email if operator else ""),
        "url": catalog.portal.get("contact_url") or (operator.contact_url if operator else ""),
        "operator": operator,
    }


def ppid(catalog: Catalog) -> dict:
    """The PPID channel for requests for public information (UU 14/2008); unconfirmed until the
    operator fills portal.yaml's ppid url/email/address."""
    channel = dict(catalog.portal.get("ppid") or {})
    channel.setdefault("name", "PPID Kota Malang")
    channel["confirmed"] = bool(channel.get("url") or channel.get("email") or channel.get("address"))
    return channel


def report_email(dataset: DatasetInfo, catalog: Catalog) -> str:
    """Errors go to the dataset's publisher when it has an email, else to the portal's contact."""
    publisher = catalog.publisher(dataset.publisher)
    return (publisher.email if publisher else "") or portal_contact(catalog)["email"]


def report_link(dataset: DatasetInfo, catalog: Catalog, page_url: str, subject: str, body: str) -> str:
    """A mailto: with the dataset, its page and the release filled in; without any address, the
    about page's section on reporting errors."""
    email = report_email(dataset, catalog)
    if not email:
        return ""
    text = body + f"\n\n{dataset.title} ({dataset.name})\n{page_url}\nRilis/release: {catalog.release_id}\n"
    return f"mailto:{quote(email, safe='@')}?subject={quote(subject + ': ' + dataset.name)}&body={quote(text)}"
