"""The lifecycle table and the changed path's registry, checked directly."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.errors import TransitionError
from catalogue.harvest.services.run import harvest_source_run
from catalogue.harvest.services.sources import harvest_source_create
from catalogue.models import Dataset
from catalogue.selectors import dataset_assessment
from catalogue.services import changes
from catalogue.services.lifecycle import TRANSITIONS, Door, datasets_transition
from catalogue.signals import dataset_transitioned
from tests.factories import DatasetFactory, DistributionFactory

pytestmark = pytest.mark.django_db
STATUSES = ["draft", "published", "withdrawn"]


@pytest.fixture
def transitions():
    seen = []

    def receiver(sender, dataset, actor, from_status, to_status, comment, **kwargs):
        seen.append((dataset.pk, actor, from_status, to_status, comment))

    dataset_transitioned.connect(receiver)
    yield seen
    dataset_transitioned.disconnect(receiver)


@pytest.fixture
def recorded():
    """A reader that records every change it is told about."""
    calls = []
    changes.register("test-recorder", calls.append)
    yield calls
    changes.unregister("test-recorder")


@pytest.mark.parametrize("door", [Door.PUBLISHER, Door.HARVEST])
@pytest.mark.parametrize("start", STATUSES)
@pytest.mark.parametrize("to", ["published", "withdrawn"])
def test_the_table_decides_every_move(door, start, to, roles, org_a, transitions, recorded):
    dataset = DatasetFactory(publisher=org_a, status=start, issued=None)
    before = Dataset.objects.values().get(pk=dataset.pk)
    allowed = start in TRANSITIONS.get((door, to), ())
    if not allowed:
        with pytest.raises(TransitionError, match=f"cannot be {to}"):
            datasets_transition(ids=[dataset.pk], to=to, door=door, actor=roles["publisher"])
        assert Dataset.objects.values().get(pk=dataset.pk) == before
        assert (transitions, recorded) == ([], [])
        return
    datasets_transition(
        ids=[dataset.pk], to=to, door=door, actor=roles["publisher"], comment="because"
    )
    after = Dataset.objects.get(pk=dataset.pk)
    assert after.status == to
    assert transitions == [(dataset.pk, roles["publisher"], start, to, "because")]
    assert [c.ids for c in recorded] == [(dataset.pk,)]
    if to == "published":
        assert (after.published_at is not None, after.withdrawn_at) == (True, None)
        assert (after.issued is not None) == (door == Door.PUBLISHER)  # harvest keeps the source's
    else:
        assert after.withdrawn_at is not None
    assert (after.quality_score, after.quality_rating) == dataset_assessment(dataset=after)[:2]


def test_publishers_never_republish_and_a_mixed_batch_changes_nothing(roles, org_a, transitions):
    draft = DatasetFactory(publisher=org_a, status="draft")
    withdrawn = DatasetFactory(publisher=org_a, status="withdrawn", title="Old counts")
    with pytest.raises(TransitionError, match="“Old counts” is withdrawn"):
        datasets_transition(
            ids=[draft.pk, withdrawn.pk], to="published", door=Door.PUBLISHER, actor=None
        )
    assert dict(Dataset.objects.values_list("pk", "status")) == {
        draft.pk: "draft",
        withdrawn.pk: "withdrawn",
    }
    assert transitions == []


def test_scoring_a_batch_costs_the_same_queries_for_five_or_fifty(org_a):
    def queries(n: int) -> int:
        datasets = [DatasetFactory(publisher=org_a) for _ in range(n)]
        for d in datasets:
            DistributionFactory(dataset=d)
        with CaptureQueriesContext(connection) as captured:
            changes.datasets_score(ids=[d.pk for d in datasets])
        return len(captured)

    assert queries(5) == queries(50)


def test_scores_the_writer_computed_are_not_read_back(org_a, django_assert_num_queries):
    dataset = DatasetFactory(publisher=org_a)
    Dataset.objects.filter(pk=dataset.pk).update(quality_score=7)
    changes.unregister("search")
    try:
        with django_assert_num_queries(0):
            changes.datasets_changed(ids=[dataset.pk], reason="test", scored=[dataset.pk])
    finally:
        changes.register("search", changes._search)
    assert Dataset.objects.get(pk=dataset.pk).quality_score == 7


def test_on_commit_readers_wait_for_the_commit(org_a, django_capture_on_commit_callbacks):
    dataset = DatasetFactory(publisher=org_a)
    calls = []
    changes.register("test-after-commit", calls.append, on_commit=True)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            changes.datasets_changed(ids=[dataset.pk, dataset.pk], reason="test")
            assert calls == []
        assert len(callbacks) == 1
        assert [(c.ids, c.reason) for c in calls] == [((dataset.pk,), "test")]
    finally:
        changes.unregister("test-after-commit")


def test_a_harvest_tells_the_changed_path_once_per_batch(server, org_a, settings, recorded):
    settings.OUTBOUND_ALLOW_NETWORKS = ["127.0.0.0/8"]
    settings.HARVEST_PER_HOST_DELAY = 0
    settings.HARVEST_BATCH_SIZE = 20
    entries = [
        {"identifier": f"b-{n}", "title": f"Batch record {n}", "description": "x",
         "modified": "2024-01-01", "accessLevel": "public", "publisher": {"name": "P"},
         "contactPoint": {"fn": "C", "hasEmail": "mailto:c@example.gov.uk"}}
        for n in range(50)
    ]  # fmt: skip
    document = {"conformsTo": "https://project-open-data.cio.gov/v1.1/schema"}
    server.static("/data.json", json.dumps({**document, "dataset": entries}).encode())
    source = harvest_source_create(
        actor=None, organisation=org_a, title="Batches", url=server.url("/data.json"),
        source_type="datajson", config={"shrink_threshold": 1.0},
    )  # fmt: skip
    harvest_source_run(source=source, actor=None)
    assert [len(c.ids) for c in recorded] == [20, 20, 10]
    assert all(set(c.ids) == c.scored for c in recorded)

    server.static("/data.json", json.dumps({**document, "dataset": entries[:10]}).encode())
    recorded.clear()
    job = harvest_source_run(source=source, actor=None)
    assert job.withdrawn == 40
    assert [(len(c.ids), c.reason) for c in recorded] == [(40, "harvest: withdrawn")]
