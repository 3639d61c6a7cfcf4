import factory
from factory.django import DjangoModelFactory

from catalogue.search import index_datasets
from catalogue.vocabularies import OGL_V3


class UserFactory(DjangoModelFactory):
    class Meta:
        model = "auth.User"
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.uk")
    password = factory.django.Password("correct horse battery staple")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = "catalogue.Organisation"
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"department-{n}")
    title = factory.Sequence(lambda n: f"Department {n}")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = "catalogue.Membership"

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "member"


class DatasetFactory(DjangoModelFactory):
    class Meta:
        model = "catalogue.Dataset"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Road traffic counts {n}")
    slug = factory.Sequence(lambda n: f"dataset-{n}")
    description = "Annual average daily flows on major roads."
    publisher = factory.SubFactory(OrganisationFactory)
    status = "published"
    access_rights = "OPEN"
    metadata_visibility = "PUBLIC"
    licence = OGL_V3

    @factory.post_generation
    def search_index(self, create, extracted, **kwargs):
        # The write services index every dataset they save; factories write directly, so they
        # index too. Tests that add themes afterwards call index_datasets themselves.
        if create:
            index_datasets([self.pk])


class DistributionFactory(DjangoModelFactory):
    class Meta:
        model = "catalogue.Distribution"

    dataset = factory.SubFactory(DatasetFactory)
    title = "CSV"
    download_url = factory.Sequence(lambda n: f"https://data.example.gov.uk/files/{n}.csv")
    access_url = factory.Sequence(lambda n: f"https://data.example.gov.uk/pages/{n}")
    media_type = "text/csv"
    format = "CSV"
