"""A ckanext-dcat profile for a CKAN that harvests this portal's DCAT-AP (/catalog.ttl): it keeps what
DCAT-AP has no property for, after ``euro_dcat_ap_3`` has read the rest.

- the Satu Data Indonesia fields of the ``sdi:`` vocabulary (https://data.malangkota.go.id/ns/sdi#),
  as extras under their national names: satuan, ukuran, konsep, definisi, dasar_hukum (a JSON list),
  metodologi, data_prioritas, sample, kode_wilayah;
- ``license_id``: the licence's id in CKAN's licence register, which the portal states
  (``sdi:ckan_license_id`` of the dct:LicenseDocument), when euro_dcat_ap_3 found none by URL or title;
- ``spatial``: the area's outline as GeoJSON (gsp:hasGeometry/gsp:asGeoJSON), ckanext-spatial's field;
- the portal's quality score (dqv:hasQualityMeasurement of sdi:skor_kualitas) as ``quality_score``.

Install: put this file on the CKAN's Python path and register it as a ckanext-dcat profile, e.g. in a
package's entry points::

    [ckan.rdf.profiles]
    sdi = sdi_profile:SdiProfile

then ``ckanext.dcat.rdf.profiles = euro_dcat_ap_3 sdi``. tests/test_dcat_clients.py runs it with
ckanext-dcat's own RDFParser.
"""

import json

from rdflib import Namespace
from rdflib.namespace import DCTERMS

from ckanext.dcat.profiles import RDFProfile

SDI = Namespace("https://data.malangkota.go.id/ns/sdi#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
DQV = Namespace("http://www.w3.org/ns/dqv#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
TEXT_FIELDS = ("satuan", "ukuran", "konsep", "definisi", "metodologi", "kode_wilayah")
BOOLEAN_FIELDS = ("data_prioritas", "sample")


class SdiProfile(RDFProfile):
    def parse_dataset(self, dataset_dict, dataset_ref):
        extras = dataset_dict.setdefault("extras", [])
        found = {}
        for key in TEXT_FIELDS:
            value = self._object_value(dataset_ref, SDI[key])
            if value:
                found[key] = value
        for key in BOOLEAN_FIELDS:
            value = self._object_value(dataset_ref, SDI[key])
            if value:
                found[key] = "true" if value.lower() == "true" else "false"
        bases = self._object_value_list(dataset_ref, SDI.dasar_hukum)
        if bases:
            found["dasar_hukum"] = json.dumps(sorted(bases), ensure_ascii=False)
        for measurement in self.g.objects(dataset_ref, DQV.hasQualityMeasurement):
            if (measurement, DQV.isMeasurementOf, SDI.skor_kualitas) in self.g:
                found["quality_score"] = self._object_value(measurement, DQV.value)
        geometry = self._outline(dataset_ref)
        if geometry:
            found["spatial"] = geometry
        present = {extra["key"] for extra in extras}
        extras.extend({"key": key, "value": value} for key, value in sorted(found.items()) if key not in present)
        if not dataset_dict.get("license_id"):
            dataset_dict["license_id"] = self._stated_license(dataset_ref)
        return dataset_dict

    def _outline(self, dataset_ref):
        for place in self.g.objects(dataset_ref, DCTERMS.spatial):
            for geometry in self.g.objects(place, GSP.hasGeometry):
                value = self._object_value(geometry, GSP.asGeoJSON)
                if value:
                    return value
        return None

    def _stated_license(self, dataset_ref):
        for distribution in self.g.objects(dataset_ref, DCAT.distribution):
            for license in self.g.objects(distribution, DCTERMS.license):
                ckan_id = self._object_value(license, SDI.ckan_license_id)
                if ckan_id:
                    return ckan_id
        return ""

    def graph_from_dataset(self, dataset_dict, dataset_ref):
        """Serialising CKAN datasets is the euro_dcat_ap_3 profile's work; nothing to add."""
