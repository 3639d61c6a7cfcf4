"""/dashboards/: figures about the catalogue and the access loop, never beyond what one may see."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import DatasetFactory, DistributionFactory
from tests.governance.factories import AccessRequestFactory

pytestmark = pytest.mark.django_db


def page(user=None) -> str:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get("/dashboards/")
    assert response.status_code == 200
    return response.content.decode()


def test_catalogue_figures_count_only_what_the_reader_may_see(org_a):
    DatasetFactory(publisher=org_a, title="Public one")
    DatasetFactory(publisher=org_a, metadata_visibility="GOVERNMENT", title="Government one")
    DatasetFactory(publisher=org_a, status="draft")
    assert '<dd class="govuk-summary-list__value" id="total">1</dd>' in page()


def test_stale_and_broken_links_are_counted(org_a):
    stale = DatasetFactory(
        publisher=org_a,
        update_frequency="monthly",
        modified=timezone.now() - dt.timedelta(days=100),
    )
    DatasetFactory(publisher=org_a, update_frequency="monthly", modified=timezone.now())
    DistributionFactory(dataset=stale, link_ok=False)
    html = page()
    assert 'Overdue for an update</dt><dd class="govuk-summary-list__value">1<' in html
    assert "1, of which 1 broken" in html


def test_members_see_their_organisations_requests_and_outsiders_do_not(roles, org_a, org_b):
    dataset = DatasetFactory(publisher=org_a, access_rights="RESTRICTED")
    DatasetFactory(publisher=org_a, status="draft")
    AccessRequestFactory(
        dataset=dataset, status="Submitted", submitted_at=timezone.now() - dt.timedelta(days=30)
    )
    html = page(roles["governance_officer"])
    assert "Your organisations" in html
    assert "Department A" in html
    assert '<strong class="govuk-tag govuk-tag--red">1</strong>' in html  # waiting past the SLA
    assert "Your organisations" not in page(roles["analyst"])
    assert "Your organisations" not in page()
