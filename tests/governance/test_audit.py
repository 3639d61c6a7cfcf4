"""The audit log: written by every governance service and dataset lifecycle change, never edited."""

import pytest
from django.db import DatabaseError, connection, models, transaction

from catalogue import services as catalogue_services
from governance.models import AuditEvent
from tests.factories import DatasetFactory
from tests.governance.conftest import request_in

pytestmark = pytest.mark.django_db


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "PostgreSQL only: this run uses SQLite; the PostgreSQL run of the suite covers it"
        )


def test_dataset_publish_and_withdraw_are_audited(world):
    dataset = DatasetFactory(publisher=world.org_a, status="draft")
    catalogue_services.dataset_publish(actor=world.publisher, dataset=dataset, comment="Ready")
    catalogue_services.dataset_withdraw(
        actor=world.publisher, dataset=dataset, comment="Superseded"
    )
    events = AuditEvent.objects.filter(object_type="dataset", object_id=str(dataset.pk))
    assert [
        (e.verb, e.from_state, e.to_state, e.actor, e.organisation, e.comment)
        for e in events.order_by("id")
    ] == [
        ("dataset.publish", "draft", "published", world.publisher, world.org_a, "Ready"),
        ("dataset.withdraw", "published", "withdrawn", world.publisher, world.org_a, "Superseded"),
    ]


def test_refused_dataset_transition_leaves_no_audit_row(world):
    dataset = DatasetFactory(publisher=world.org_a, status="withdrawn")
    with pytest.raises(Exception, match="cannot be published"):
        catalogue_services.dataset_publish(actor=world.publisher, dataset=dataset)
    assert not AuditEvent.objects.filter(object_type="dataset").exists()


def test_audit_events_cannot_be_changed_or_deleted_through_the_orm(world):
    request_in(world, "Submitted")
    event = AuditEvent.objects.first()
    event.comment = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(comment="rewritten")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).comment == ""


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE governance_auditevent SET comment = 'rewritten'",
        "UPDATE governance_auditevent SET actor_id = NULL, verb = 'access_request.accept'",
        "DELETE FROM governance_auditevent",
    ],
)
def test_postgresql_trigger_refuses_update_and_delete_in_sql(world, statement):
    needs_postgresql()
    request_in(world, "Submitted")
    before = list(AuditEvent.objects.values_list("id", "verb", "comment", "actor_id"))
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert list(AuditEvent.objects.values_list("id", "verb", "comment", "actor_id")) == before


def test_postgresql_trigger_refuses_bulk_orm_writes_that_bypass_the_model(world):
    needs_postgresql()
    request_in(world, "Submitted")
    raw = models.QuerySet(AuditEvent)  # a plain queryset, without the model's guards
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw.update(comment="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw.delete()
    assert AuditEvent.objects.filter(comment="rewritten").count() == 0
    assert AuditEvent.objects.count() == 2


def test_every_event_names_actor_organisation_object_and_time(world):
    request_in(world, "Accepted")
    for event in AuditEvent.objects.all():
        assert all([event.at, event.verb, event.object_type, event.object_id])
        assert event.organisation == world.org_a
        assert event.actor_username in {"requester", "a-governance_officer"}
