import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from tests.factories import DatasetFactory, UserFactory


def complete_answers(**overrides) -> dict:
    """Answers that satisfy the default policy of a dataset without personal data."""
    return {
        "purpose": "Measure the effect of the new road safety programme on casualties.",
        "data_required": "Counts by road and month, 2019 to 2025.",
        "public_benefit": "policy",
        "end_date": timezone.localdate() + dt.timedelta(days=90),
        "legal_power": "Road Traffic Regulation Act 1984, section 39.",
        "legal_gateway": "Digital Economy Act 2017, Part 5, Chapter 1.",
        "delivery": "Secure file transfer.",
        "format": "CSV",
        "retention": "Two years after the end of the programme.",
        "disposal": "Secure deletion, with a certificate of destruction.",
        **overrides,
    }


class AccessRequestFactory(DjangoModelFactory):
    """A draft request made directly (for reads); transitions always go through the services."""

    class Meta:
        model = "governance.AccessRequest"

    dataset = factory.SubFactory(DatasetFactory, access_rights="RESTRICTED")
    requester = factory.SubFactory(UserFactory)
    status = "Draft"
    purpose = "Research"
    legal_gateway = "Digital Economy Act 2017"


class GrantFactory(DjangoModelFactory):
    class Meta:
        model = "governance.Grant"

    access_request = factory.SubFactory(AccessRequestFactory, status="Accepted")
    dataset = factory.SelfAttribute("access_request.dataset")
    user = factory.SelfAttribute("access_request.requester")
    status = "active"
    start = factory.LazyFunction(timezone.now)
    end = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
