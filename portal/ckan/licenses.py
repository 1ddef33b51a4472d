"""CKAN's default licence register (ckan/model/license.py), which a CKAN harvesting this portal
checks ``license_id`` against, and the portal's licences mapped onto it.

The portal's own licence ids are SPDX ids (metadata/licenses.yaml); each names its CKAN
counterpart there as ``ckan_id``. ``isopen`` is what CKAN decides: a licence is open when its
Open Definition or Open Source Definition conformance is "approved".
tests/test_ckan_licenses.py compares this table with CKAN's own classes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CkanLicense:
    id: str
    title: str
    url: str = ""
    od_conformance: str = "not reviewed"
    osd_conformance: str = "not reviewed"
    domain_content: bool = False
    domain_data: bool = False
    domain_software: bool = False
    is_generic: bool = False

    @property
    def isopen(self) -> bool:
        return "approved" in (self.od_conformance, self.osd_conformance)

    def as_dict(self) -> dict:
        """As CKAN's license_list gives it: every value a string ("False", "approved"…)."""
        return {"domain_content": str(self.domain_content), "id": self.id, "domain_data": str(self.domain_data),
                "domain_software": str(self.domain_software), "family": "", "is_generic": str(self.is_generic),
                "od_conformance": self.od_conformance, "osd_conformance": self.osd_conformance,
                "maintainer": "", "status": "active", "url": self.url, "title": self.title}


OD = "http://www.opendefinition.org/licenses/"
REGISTER = [
    CkanLicense("notspecified", "License not specified", is_generic=True),
    CkanLicense("odc-pddl", "Open Data Commons Public Domain Dedication and License (PDDL)", OD + "odc-pddl",
                "approved", domain_data=True),
    CkanLicense("odc-odbl", "Open Data Commons Open Database License (ODbL)", OD + "odc-odbl", "approved",
                domain_data=True),
    CkanLicense("odc-by", "Open Data Commons Attribution License", OD + "odc-by", "approved", domain_data=True),
    CkanLicense("cc-zero", "Creative Commons CCZero", OD + "cc-zero", "approved", domain_content=True,
                domain_data=True),
    CkanLicense("cc-by", "Creative Commons Attribution", OD + "cc-by", "approved"),
    CkanLicense("cc-by-sa", "Creative Commons Attribution Share-Alike", OD + "cc-by-sa", "approved",
                domain_content=True),
    CkanLicense("gfdl", "GNU Free Documentation License", OD + "gfdl", "approved", domain_content=True),
    CkanLicense("other-open", "Other (Open)", od_conformance="approved", domain_content=True, is_generic=True),
    CkanLicense("other-pd", "Other (Public Domain)", od_conformance="approved", domain_content=True, is_generic=True),
    CkanLicense("other-at", "Other (Attribution)", od_conformance="approved", domain_content=True, is_generic=True),
    CkanLicense("uk-ogl", "UK Open Government Licence (OGL)",
                "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/", "approved",
                domain_content=True),
    CkanLicense("cc-nc", "Creative Commons Non-Commercial (Any)", "http://creativecommons.org/licenses/by-nc/2.0/"),
    CkanLicense("other-nc", "Other (Non-Commercial)", is_generic=True),
    CkanLicense("other-closed", "Other (Not Open)", is_generic=True),
]
BY_ID = {license.id: license for license in REGISTER}


def ckan_license(ckan_id: str) -> CkanLicense | None:
    return BY_ID.get(ckan_id)
