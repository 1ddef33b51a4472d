"""How to cite a dataset (APA 7 and BibTeX) and how search engines see it (schema.org JSON-LD)."""

from __future__ import annotations

import datetime
import re

from flask_babel import format_date, gettext

from .catalog import Catalog, DatasetInfo, VersionInfo


def _names(dataset: DatasetInfo, catalog: Catalog) -> tuple[str, str]:
    author, publisher = catalog.publisher(dataset.author), catalog.publisher(dataset.publisher)
    return (author.name if author else dataset.author or dataset.publisher,
            publisher.name if publisher else dataset.publisher)


def apa(dataset: DatasetInfo, catalog: Catalog, url: str, accessed: datetime.date,
        version: VersionInfo | None = None) -> str:
    author, publisher = _names(dataset, catalog)
    version = version or dataset.current_version
    year = version.date[:4] if version else catalog.created[:4]
    # gettext outside f-strings: Babel does not extract calls inside them.
    edition = " (" + gettext("Versi %(n)s", n=version.number) + ")" if version else ""
    kind = gettext("Data set")
    retrieved = gettext("Diakses %(date)s, dari %(url)s", date=format_date(accessed, "long"), url=url)
    return f"{author}. ({year}). {dataset.title}{edition} [{kind}]. {publisher}. {retrieved}"


def bibtex(dataset: DatasetInfo, catalog: Catalog, url: str, accessed: datetime.date,
           version: VersionInfo | None = None) -> str:
    author, publisher = _names(dataset, catalog)
    version = version or dataset.current_version
    key = re.sub(r"[^a-z0-9]+", "_", f"{dataset.name} v{version.number if version else 0}")
    fields = {
        "author": "{" + _bib(author) + "}",  # double braces: an organisation, not "Last, First"
        "title": _bib(dataset.title),
        "year": (version.date if version else catalog.created)[:4],
        "version": str(version.number) if version else "",
        "publisher": _bib(publisher),
        "howpublished": _bib(catalog.portal.get("title", "")),
        "url": url,
        "urldate": accessed.isoformat(),
        "note": _bib(gettext("Rilis %(id)s", id=catalog.release_id)
                     + ("; " + gettext("Data sampel sintetis") if dataset.sample else "")),
    }
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items() if value)
    return f"@misc{{{key},\n{body}\n}}"


def ris(dataset: DatasetInfo, catalog: Catalog, url: str, accessed: datetime.date,
        version: VersionInfo | None = None) -> str:
    """RIS, read by Zotero, EndNote and Mendeley (TY DATA = dataset)."""
    author, publisher = _names(dataset, catalog)
    version = version or dataset.current_version
    lines = [("TY", "DATA"), ("AU", author), ("TI", dataset.title), ("PY", (version.date if version else catalog.created)[:4]),
             ("PB", publisher), ("UR", url), ("Y2", accessed.isoformat()), ("AB", dataset.description[:2000]),
             ("ET", str(version.number) if version else ""), ("DB", catalog.portal.get("title", ""))]
    lines += [("KW", keyword) for keyword in dataset.keywords]
    lines.append(("ER", ""))
    return "\r\n".join(f"{tag}  - {value}" for tag, value in lines if value or tag == "ER") + "\r\n"


def csl_json(dataset: DatasetInfo, catalog: Catalog, url: str, accessed: datetime.date,
             version: VersionInfo | None = None) -> list[dict]:
    """CSL-JSON (type "dataset"), read by citation processors such as citeproc and Pandoc."""
    author, publisher = _names(dataset, catalog)
    version = version or dataset.current_version
    issued = (version.date if version else catalog.created)[:10]
    return [{
        "id": f"{dataset.name}-v{version.number if version else 0}",
        "type": "dataset",
        "title": dataset.title,
        "author": [{"literal": author}],
        "publisher": publisher,
        "issued": {"date-parts": [[int(part) for part in issued.split("-")]]},
        "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]},
        "version": str(version.number) if version else "",
        "URL": url,
        "abstract": dataset.description,
        "keyword": ", ".join(dataset.keywords),
        "container-title": catalog.portal.get("title", ""),
    }]


def _bib(text: str) -> str:
    return re.sub(r"([&%#_$])", r"\\\1", text).replace("{", "\\{").replace("}", "\\}")
