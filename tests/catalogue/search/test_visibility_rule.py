"""The visibility rule as plain data: what `visible_to` and a search index both translate."""

import pytest
from django.contrib.auth.models import AnonymousUser

from catalogue.visibility import LISTED_STATUSES, granted_datasets, visibility_for
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_signed_out_visitor_sees_listed_public_records_only():
    rule = visibility_for(AnonymousUser())
    assert not rule.everything
    assert set(rule.listed_statuses) == set(LISTED_STATUSES) == {"published", "withdrawn"}
    assert rule.metadata_visibilities == ("PUBLIC",)
    assert rule.member_organisations is None and rule.granted_datasets is None


def test_a_superuser_sees_everything():
    assert visibility_for(UserFactory(is_superuser=True)).everything


def test_a_member_sees_government_records_and_their_organisations(org_a):
    user = UserFactory()
    MembershipFactory(user=user, organisation=org_a)
    rule = visibility_for(user)
    assert set(rule.metadata_visibilities) == {"PUBLIC", "GOVERNMENT"}
    assert list(rule.member_organisations) == [org_a.pk]
    assert list(rule.granted_datasets) == []


def test_grants_come_from_governance_through_the_hook():
    """Catalogue names no governance table: the ids come from the source governance registers,
    as a subquery the database can use without a round trip."""
    granted = granted_datasets(UserFactory())
    sql = str(granted.query)
    assert "governance_grant" in sql and "active" in sql
