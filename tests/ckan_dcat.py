"""ckanext-dcat's own RDFParser outside a CKAN site: the smallest stubs around it.

- CKAN's ``get_action`` looks actions up in ``ckan.logic._actions`` once that holds anything; the
  profiles ask for ``scheming_dataset_schema_show`` and take KeyError as "no ckanext-scheming", so one
  harmless action is put there instead of letting CKAN import every action module (PyJWT…).
- ``ckan.locale_default = id``: the national catalog's language, which picks the literals the parser keeps.
- The portal's ckanext-dcat profile (deploy/ckan/sdi_profile.py) is registered as pip would register it:
  an entry point ``sdi`` in the group ``ckan.rdf.profiles``, which ckanext-dcat's _load_profiles finds
  with importlib.metadata.
"""

from __future__ import annotations

import sys
from pathlib import Path

import ckan.logic
from ckan.common import config

DEPLOY = Path(__file__).resolve().parent.parent / "deploy" / "ckan"
DIST_INFO = """Metadata-Version: 2.1
Name: portal-sdi-profile
Version: 1.0
"""


def install(entry_points_dir: Path) -> None:
    ckan.logic._actions.setdefault("site_read", lambda context, data_dict: True)
    config["ckan.locale_default"] = "id"
    dist = entry_points_dir / "portal_sdi_profile-1.0.dist-info"
    dist.mkdir(parents=True, exist_ok=True)
    (dist / "METADATA").write_text(DIST_INFO)
    (dist / "entry_points.txt").write_text("[ckan.rdf.profiles]\nsdi = sdi_profile:SdiProfile\n")
    for path in (str(DEPLOY), str(entry_points_dir)):
        if path not in sys.path:
            sys.path.append(path)


def parser(data: bytes, fmt: str, profiles=("euro_dcat_ap_3",)):
    from ckanext.dcat.processors import RDFParser

    rdf = RDFParser(profiles=list(profiles))
    rdf.parse(data, _format=fmt)
    return rdf


def extras(dataset: dict) -> dict:
    return {extra["key"]: extra["value"] for extra in dataset.get("extras", [])}
