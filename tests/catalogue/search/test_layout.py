"""The shared page layout: the product's own look by default, GOV.UK branding only when asked."""

import pytest

from tests.factories import DatasetFactory

pytestmark = pytest.mark.django_db


def test_default_layout_has_own_header_and_no_govuk_crown_or_font(client, settings):
    settings.GOVUK_BRANDING = False
    html = client.get("/").content.decode()
    assert 'class="govuk-skip-link"' in html
    assert 'href="#main-content"' in html
    assert 'id="main-content"' in html
    assert "govuk-service-navigation" in html
    assert "govuk-header" not in html
    assert "govuk-branding.css" not in html
    assert "dm-own-brand" in html


def test_govuk_branding_adds_the_crown_header_and_transport_font(client, settings):
    settings.GOVUK_BRANDING = True
    html = client.get("/").content.decode()
    assert "govuk-header" in html
    assert "govuk-branding.css" in html
    assert "dm-own-brand" not in html


def test_signed_in_users_get_a_sign_out_form_and_others_a_sign_in_link(client, roles):
    assert 'href="/accounts/login/?next=/"' in client.get("/").content.decode()
    client.force_login(roles["analyst"])
    html = client.get("/").content.decode()
    assert 'action="/accounts/logout/"' in html
    assert "Sign in</a>" not in html


def test_dataset_descriptions_render_markdown_without_scripts(client, org_a):
    dataset = DatasetFactory(
        publisher=org_a,
        description="**Bold** [link](https://example.org) <script>alert(1)</script> "
        "[bad](javascript:alert(1)) <img src=x onerror=alert(1)>",
    )
    html = client.get(f"/datasets/{dataset.slug}/").content.decode()
    assert "<strong>Bold</strong>" in html
    assert 'href="https://example.org"' in html
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html
    assert "<img" not in html


def test_withdrawn_dataset_page_says_so_and_offers_no_access_request(client, org_a):
    dataset = DatasetFactory(publisher=org_a, status="withdrawn", access_rights="RESTRICTED")
    html = client.get(f"/datasets/{dataset.slug}/").content.decode()
    assert "This dataset was withdrawn" in html
    assert "Request access" not in html


def test_json_ld_describes_the_dataset_and_hides_restricted_links(client, org_a):
    import json
    import re

    dataset = DatasetFactory(publisher=org_a, access_rights="RESTRICTED", title="Port </script>")
    from tests.factories import DistributionFactory

    DistributionFactory(dataset=dataset, download_url="https://data.example.org/secret.csv")
    html = client.get(f"/datasets/{dataset.slug}/").content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "Dataset"
    assert data["name"] == "Port </script>"
    assert data["publisher"]["name"] == org_a.title
    assert "distribution" not in data
    assert "secret.csv" not in html
