import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from catalogue.models import Dataset, Distribution, HarvestSource, Membership, Organisation
from governance.models import AccessRequest

pytestmark = pytest.mark.django_db


def test_loaddemo_loads_real_datasets_over_several_organisations_and_is_rerunnable():
    call_command("loaddemo", allow_demo_users=True)
    counts = (
        Dataset.objects.count(),
        Distribution.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
    )
    assert counts[0] >= 150
    assert counts[2] >= 4
    assert Dataset.objects.filter(publisher__slug="office-of-personnel-management").count() == 134
    assert Dataset.objects.filter(publisher__slug="federal-communications-commission").count() == 59
    assert counts[0] == 207
    assert HarvestSource.objects.count() == 4
    assert Dataset.objects.filter(harvest_source__isnull=True).count() == 0
    call_command("loaddemo", allow_demo_users=True)
    assert HarvestSource.objects.count() == 4
    for source in HarvestSource.objects.all():
        first, second = source.jobs.order_by("pk")
        assert first.status == second.status == "succeeded", second.message
        assert (second.created, second.updated, second.unchanged) == (0, 0, first.created)
    assert (
        Dataset.objects.count(),
        Distribution.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
    ) == counts
    users = {u.username: u for u in get_user_model().objects.all()}
    assert {"admin", "publisher", "officer", "orgadmin", "analyst"} <= set(users)
    assert users["admin"].is_superuser
    assert users["publisher"].check_password("demo-password")
    assert Membership.objects.filter(user=users["officer"], role="governance_officer").exists()
    # The governance demo rides along: the analyst's requests, made once however often it runs.
    statuses = AccessRequest.objects.filter(requester=users["analyst"]).values_list("status")
    assert sorted(s for (s,) in statuses) == ["Accepted", "Returned", "Submitted"]


def test_loaddemo_refuses_demo_users_outside_development(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="known password"):
        call_command("loaddemo")
    assert Dataset.objects.count() == 0
