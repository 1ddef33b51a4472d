"""The CKAN API against CKAN's own code and the Solr syntax clients send: the licence register equals
CKAN 2.12's, the read actions harvesters and clients call answer, and no query string, however odd,
gets anything but a result or CKAN's own error."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.ckan.solr import QuerySyntaxError, parse


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def action(client, name: str, **params):
    response = client.get(f"/api/3/action/{name}", query_string=params)
    return response.status_code, response.get_json()


def test_license_list_is_ckans_register(client):
    from ckan.common import config
    from ckan.model.license import LicenseRegister

    config.setdefault("licenses_group_url", "")
    ckan = [license.license_dictize() for license in LicenseRegister().values()]
    status, body = action(client, "license_list")
    assert status == 200 and body["result"] == ckan


def test_read_actions_clients_call(client):
    assert action(client, "site_read")[1]["result"] is True
    listed = action(client, "current_package_list_with_resources", limit=1)[1]["result"]
    assert len(listed) == 1 and listed[0]["resources"]
    activity = action(client, "package_activity_list", id="wilayah-mini")[1]["result"]
    assert [a["activity_type"] for a in activity] == ["new package"] and activity[0]["data"]["package"]["version"] == "1"
    assert action(client, "package_autocomplete", q="wil")[1]["result"][0]["name"] == "wilayah-mini"
    assert [o["name"] for o in action(client, "organization_autocomplete", q="lingk")[1]["result"]] == ["dlh"]
    assert [g["name"] for g in action(client, "group_autocomplete", q="gover")[1]["result"]] == ["governance"]
    assert action(client, "tag_autocomplete", query="wil")[1]["result"] == ["wilayah"]
    assert action(client, "format_autocomplete", q="xl")[1]["result"] == ["xlsx"]
    tag = action(client, "tag_show", id="kode", include_datasets="true")[1]["result"]
    assert [p["name"] for p in tag["packages"]] == ["wilayah-mini"]
    organization = action(client, "organization_show", id="dlh")[1]["result"]
    assert action(client, "organization_show", id=organization["id"])[1]["result"]["name"] == "dlh"  # by UUID
    group = action(client, "group_show", id="society")[1]["result"]
    assert action(client, "group_show", id=group["id"])[1]["result"]["name"] == "society"


@pytest.mark.parametrize("fl, keys", [("id,name", {"id", "name"}), ("name extras_satuan", {"name", "extras_satuan"})])
def test_fl_returns_the_fields_asked_for(client, fl, keys):
    results = action(client, "package_search", fl=fl, q="name:wilayah-mini")[1]["result"]["results"]
    assert [set(result) for result in results] == [keys]


@pytest.mark.parametrize("text, error", [("a AND", "ends where a term"), ("(a OR b", "not closed"), ("a~2", "fuzzy"),
                                          ('"open', "quotation"), ("{!lucene}x", "local parameters"),
                                          ("a:b:c", "unescaped ':'"), ("/x/", "regular")])
def test_unsupported_syntax_is_refused_by_name(text, error):
    with pytest.raises(QuerySyntaxError, match=error):
        parse(text)


QUERY_PIECES = st.sampled_from(["organization:dlh", "groups:society", "tags:kode", "-tags:kode", "NOT", "AND", "OR",
                                "(", ")", '"', "*", "?", ":", "[", "]", "{", "}", "TO", "NOW-1DAY", "\\", "^2", "~",
                                "title:wil*", "metadata_modified:[* TO NOW]", "x", "+", "-", "!", "&&", "||", " "])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(QUERY_PIECES, max_size=12), noise=st.text(max_size=20))
def test_any_query_gets_a_result_or_ckans_error(client, pieces, noise):
    for key in ("q", "fq"):
        for value in (" ".join(pieces), "".join(pieces), noise):
            status, body = action(client, "package_search", **{key: value})
            assert status in (200, 409), (key, value, body)
            assert body["success"] is (status == 200)
            if status == 409:
                assert body["error"]["__type"] in ("Search Error", "Validation Error")
