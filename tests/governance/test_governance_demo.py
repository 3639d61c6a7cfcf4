import pytest
from django.core.management import CommandError, call_command

from governance.models import AccessRequest, GovernancePolicy

pytestmark = pytest.mark.django_db


def test_governance_demo_needs_the_catalogue_demo_first():
    with pytest.raises(CommandError, match="Run loaddemo first"):
        call_command("loadgovernancedemo")
    assert not GovernancePolicy.objects.exists()
    assert not AccessRequest.objects.exists()
