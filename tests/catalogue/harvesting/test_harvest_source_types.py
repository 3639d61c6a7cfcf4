"""Source types come from one registry: every door refuses an unknown type the same clear way,
and a type added to the registry alone is created, offered and harvested with no other change."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from catalogue.harvest.parsers import hdruk
from catalogue.harvest.services.run import harvest_source_run
from catalogue.harvest.types import SOURCE_TYPES, SourceType, source_type_choices
from catalogue.models import Dataset, HarvestJob, HarvestSource
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
GATEWAY = FIXTURES / "uk" / "hdruk_gateway_datasets_v2_2020-11.json"
UNKNOWN = "Unknown source type 'oai-pmh'. Choose one of: ckan, datajson, dcat, hdruk, marketplace."
NEW = {
    "organisation": "department-a",
    "title": "Gateway",
    "url": "https://gateway.example/datasets.v2.json",
    "source_type": "hdruk",
    "schedule": "daily",
}


def _nothing_created() -> None:
    assert HarvestSource.objects.count() == 0
    assert HarvestJob.objects.count() == 0
    assert Dataset.objects.count() == 0


def test_every_registered_type_is_complete():
    assert list(SOURCE_TYPES) == ["ckan", "datajson", "dcat", "hdruk", "marketplace"]
    for name, kind in SOURCE_TYPES.items():
        assert kind.name == name and len(name) <= 20  # the model field's max_length
        assert kind.label and kind.description
        assert callable(kind.open) and callable(kind.parse_file)
    assert ("hdruk", "HDR UK Innovation Gateway") in source_type_choices()
    incremental = {n for n, k in SOURCE_TYPES.items() if k.incremental}
    assert incremental == {"ckan", "marketplace"}
    skipping = {n for n, k in SOURCE_TYPES.items() if k.skips_unchanged}
    assert skipping == {"ckan", "datajson", "hdruk"}


def test_the_api_refuses_an_unknown_type_and_creates_nothing(roles):
    client = client_for(roles["publisher"])
    response = client.post(
        "/api/v1/harvest-sources/", {**NEW, "source_type": "oai-pmh"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"source_type": [UNKNOWN]}
    _nothing_created()

    created = client.post("/api/v1/harvest-sources/", NEW, format="json")
    assert created.status_code == 201 and created.json()["source_type"] == "hdruk"


def test_the_api_refuses_changing_a_source_to_an_unknown_type(roles):
    client = client_for(roles["publisher"])
    source_id = client.post("/api/v1/harvest-sources/", NEW, format="json").json()["id"]

    response = client.patch(
        f"/api/v1/harvest-sources/{source_id}/", {"source_type": "oai-pmh"}, format="json"
    )

    assert response.status_code == 400 and response.json() == {"source_type": [UNKNOWN]}
    assert HarvestSource.objects.get().source_type == "hdruk"


def test_the_form_offers_the_registry_and_refuses_an_unknown_type(client, roles, org_a):
    client.force_login(roles["publisher"])
    page = client.get("/harvest/").content.decode()
    for name, kind in SOURCE_TYPES.items():
        assert f'value="{name}"' in page and kind.label in page

    response = client.post(
        "/harvest/",
        {**NEW, "organisation": org_a.pk, "source_type": "oai-pmh"},
    )

    assert response.status_code == 200
    assert "Unknown source type &#x27;oai-pmh&#x27;" in response.content.decode()
    _nothing_created()


@pytest.mark.parametrize("where", [["--url", "https://x.example/"], ["--file", str(GATEWAY)]])
def test_the_command_refuses_an_unknown_type_and_creates_nothing(org_a, where):
    with pytest.raises(CommandError) as error:
        call_command("harvest", *where, "--type", "oai-pmh", "--organisation", org_a.slug)
    assert str(error.value) == UNKNOWN
    _nothing_created()


def _admin_form(org_a, source_type: str) -> dict:
    return {
        "organisation": org_a.pk,
        "title": "Gateway",
        "url": "https://gateway.example/datasets.v2.json",
        "source_type": source_type,
        "schedule": "manual",
        "enabled": "on",
        "config": "{}",
        "jobs-TOTAL_FORMS": "0",
        "jobs-INITIAL_FORMS": "0",
        "jobs-MIN_NUM_FORMS": "0",
        "jobs-MAX_NUM_FORMS": "1000",
    }


def test_the_admin_offers_the_registry_and_refuses_an_unknown_type(client, roles, org_a):
    client.force_login(roles["superuser"])
    url = "/admin/catalogue/harvestsource/add/"
    assert "HDR UK Innovation Gateway" in client.get(url).content.decode()

    refused = client.post(url, _admin_form(org_a, "oai-pmh"))

    assert refused.status_code == 200
    assert "Unknown source type &#x27;oai-pmh&#x27;" in refused.content.decode()
    _nothing_created()
    accepted = client.post(url, _admin_form(org_a, "hdruk"))
    assert accepted.status_code == 302
    assert HarvestSource.objects.get().source_type == "hdruk"


def test_a_stored_source_of_an_unregistered_type_fails_its_run_clearly(org_a):
    source = HarvestSource.objects.create(
        organisation=org_a, title="Old", url="https://old.example/", source_type="oai-pmh"
    )
    assert source.get_source_type_display() == "oai-pmh"

    job = harvest_source_run(source=source, actor=None)

    assert job.status == "failed" and UNKNOWN in job.message
    assert Dataset.objects.count() == 0


def test_a_type_added_to_the_registry_alone_is_offered_created_and_harvested(
    monkeypatch, make_source, server, client, roles
):
    kind = SourceType(
        "gateway-mirror",
        "A Gateway mirror",
        hdruk.open_harvest,
        hdruk.parse_file,
        skips_unchanged=True,
        description="A copy of the HDR UK Gateway export.",
    )
    monkeypatch.setitem(SOURCE_TYPES, kind.name, kind)
    client.force_login(roles["publisher"])
    assert 'value="gateway-mirror"' in client.get("/harvest/").content.decode()
    server.static("/mirror.json", GATEWAY.read_bytes())

    source = make_source(server.url("/mirror.json"), "gateway-mirror")
    first = harvest_source_run(source=source, actor=None)
    second = harvest_source_run(source=source, actor=None)

    assert source.get_source_type_display() == "A Gateway mirror"
    assert "A Gateway mirror" in client.get(f"/harvest/sources/{source.pk}/").content.decode()
    assert (first.status, first.created) == ("succeeded", 531)
    assert (second.status, second.unchanged) == ("succeeded", 531)
