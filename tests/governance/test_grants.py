"""A grant changes what its holder sees; expiry and revocation take it away again.

Checked on every read path: API list, search and detail with download links, the dataset and
search pages, the DCAT and data.json feeds and the CKAN-compatible API."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from catalogue.models import Dataset
from governance import services, tasks
from governance.models import AuditEvent, Grant
from tests.conftest import client_for
from tests.factories import DatasetFactory, DistributionFactory
from tests.governance.conftest import request_in

pytestmark = pytest.mark.django_db

LINK = "https://data.example.gov.uk/private/claims.csv"


@pytest.fixture
def private(world):
    """ORGANISATION-only metadata: invisible to the requester without a grant."""
    dataset = DatasetFactory(
        publisher=world.org_a,
        title="Benefit claims by postcode",
        access_rights="RESTRICTED",
        metadata_visibility="ORGANISATION",
    )
    DistributionFactory(dataset=dataset, download_url=LINK)
    return dataset


def what_requester_sees(world, dataset) -> dict:
    client = client_for(world.requester)
    listed = client.get("/api/v1/datasets/", {"page_size": 100}).json()["results"]
    rows = [r for r in listed if r["id"] == str(dataset.pk)]
    searched = client.get("/api/v1/datasets/", {"q": "claims"}).json()["results"]
    detail = client.get(f"/api/v1/datasets/{dataset.pk}/")
    client.force_login(world.requester)
    page = client.get(f"/datasets/{dataset.slug}/")
    search_page = client.get("/datasets/", {"q": dataset.title}).content.decode()
    datajson = b"".join(client.get("/data.json").streaming_content).decode()
    return {
        "listed": len(rows),
        "searched": dataset.title in {r["title"] for r in searched}
        if "claims" in dataset.title
        else None,
        # The page repeats the query, so look for a link to the dataset, not its title.
        "search_page": f"/datasets/{dataset.slug}/" in search_page,
        "detail": detail.status_code,
        "download": detail.json()["distribution"][0]["download_url"]
        if detail.status_code == 200
        else None,
        "page": page.status_code,
        "page_link": LINK in page.content.decode() if page.status_code == 200 else False,
        "feed": client.get(f"/datasets/{dataset.slug}.ttl").status_code,
        "datajson": dataset.title in datajson,
        "ckan": client.get("/api/3/action/package_show", {"id": dataset.slug}).status_code,
    }


HIDDEN = {
    "listed": 0, "searched": False, "search_page": False, "detail": 404, "download": None,
    "page": 404, "page_link": False, "feed": 404, "datajson": False, "ckan": 404,
}  # fmt: skip
SHOWN = {
    "listed": 1, "searched": True, "search_page": True, "detail": 200, "download": LINK,
    "page": 200, "page_link": True, "feed": 200, "datajson": True, "ckan": 200,
}  # fmt: skip


def grant_for(world, dataset) -> Grant:
    """Accept a request for `dataset`, which was visible to government when it was asked for;
    the publisher has since narrowed it to the organisation."""
    visibility = dataset.metadata_visibility
    Dataset.objects.filter(pk=dataset.pk).update(metadata_visibility="GOVERNMENT")
    request_in(world, "Accepted", dataset=dataset)
    Dataset.objects.filter(pk=dataset.pk).update(metadata_visibility=visibility)
    return Grant.objects.filter(dataset=dataset).latest("id")


def test_grant_reveals_restricted_metadata_and_download_links(world, private):
    assert what_requester_sees(world, private) == HIDDEN
    grant_for(world, private)
    assert what_requester_sees(world, private) == SHOWN


def test_grant_reveals_download_links_of_government_visible_data(world):
    client = client_for(world.requester)
    url = f"/api/v1/datasets/{world.dataset.pk}/"
    assert client.get(url).json()["distribution"][0]["download_url"] is None
    request_in(world, "Accepted")
    assert client.get(url).json()["downloads_visible"] is True
    assert client.get(url).json()["distribution"][0]["download_url"].endswith("casualties.csv")


def test_grant_does_not_reach_other_users_or_other_datasets(world, private):
    grant_for(world, private)
    other = DatasetFactory(
        publisher=world.org_a, access_rights="RESTRICTED", metadata_visibility="ORGANISATION"
    )
    assert client_for(world.requester).get(f"/api/v1/datasets/{other.pk}/").status_code == 404
    assert client_for(world.officer_b).get(f"/api/v1/datasets/{private.pk}/").status_code == 404


def test_two_grants_for_one_dataset_list_it_once(world, private):
    grant_for(world, private)
    grant_for(world, private)
    assert Grant.objects.filter(dataset=private).count() == 2
    assert what_requester_sees(world, private)["listed"] == 1


def test_revocation_takes_access_away(
    world, private, eager_tasks, django_capture_on_commit_callbacks
):
    grant = grant_for(world, private)
    with django_capture_on_commit_callbacks(execute=True):
        services.grant_revoke(actor=world.officer, grant=grant, reason="Project closed early.")
    assert what_requester_sees(world, private) == HIDDEN
    event = AuditEvent.objects.get(verb="grant.revoke")
    assert (event.from_state, event.to_state, event.comment, event.actor) == (
        "active",
        "revoked",
        "Project closed early.",
        world.officer,
    )
    assert mail.outbox[-1].to == [world.requester.email]
    assert "Project closed early." in mail.outbox[-1].body
    assert world.requester.notifications.filter(kind="revoked").count() == 1


def test_access_ends_at_the_grant_end_even_before_the_beat_runs(world, private):
    grant = grant_for(world, private)
    Grant.objects.filter(pk=grant.pk).update(
        start=timezone.now() - dt.timedelta(days=30), end=timezone.now() - dt.timedelta(seconds=1)
    )
    assert Grant.objects.get(pk=grant.pk).status == "active"
    assert what_requester_sees(world, private) == HIDDEN
    listed = client_for(world.requester).get("/api/v1/grants/").json()["results"]
    assert listed[0]["status"] == "expired"


def test_expiry_task_expires_due_grants_once_and_audits_them(world, private):
    grant = grant_for(world, private)
    keep = grant_for(world, world.dataset)
    Grant.objects.filter(pk=grant.pk).update(
        start=timezone.now() - dt.timedelta(days=30), end=timezone.now() - dt.timedelta(minutes=1)
    )
    assert tasks.grant_expire_due_task() == 1
    assert tasks.grant_expire_due_task() == 0
    grant.refresh_from_db()
    keep.refresh_from_db()
    assert (grant.status, keep.status) == ("expired", "active")
    event = AuditEvent.objects.get(verb="grant.expire")
    assert (event.actor, event.actor_username, event.object_id) == (None, "system", str(grant.pk))
    assert what_requester_sees(world, private) == HIDDEN
    with pytest.raises(Exception, match="already expired"):
        services.grant_revoke(actor=world.officer, grant=grant, reason="Late.")


def test_holders_are_told_once_a_week_before_their_grant_ends(
    world, private, eager_tasks, django_capture_on_commit_callbacks
):
    grant = grant_for(world, private)
    far = grant_for(world, world.dataset)
    Grant.objects.filter(pk=grant.pk).update(end=timezone.now() + dt.timedelta(days=6))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.grant_notify_expiring_task() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.grant_notify_expiring_task() == 0
    assert len(mail.outbox) == 1
    assert "ends soon" in mail.outbox[0].subject
    assert world.requester.notifications.filter(kind="expiring", grant=grant).count() == 1
    assert not world.requester.notifications.filter(kind="expiring", grant=far).exists()


def test_submission_return_and_decision_are_emailed_and_put_in_the_inbox(
    world, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = request_in(world, "Submitted")
    assert [m.to for m in mail.outbox] == [[world.officer.email]]
    assert "waiting for a decision" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        services.access_request_start_review(actor=world.officer, access_request=request)
        services.access_request_return(
            actor=world.officer, access_request=request, reason="Which years?"
        )
    assert mail.outbox[-1].to == [world.requester.email]
    assert "Which years?" in mail.outbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        services.access_request_submit(actor=world.requester, access_request=request)
        services.access_request_start_review(actor=world.officer, access_request=request)
        services.access_request_approve(actor=world.officer, access_request=request)
    assert "accepted" in mail.outbox[-1].subject
    kinds = list(world.requester.notifications.values_list("kind", flat=True))
    assert sorted(kinds) == ["decided", "returned"]
    assert world.officer.notifications.filter(kind="submitted").count() == 2
    # Each notification is emailed once, even if its task runs again.
    notification = world.requester.notifications.first()
    assert services.notification_send_email(notification_id=notification.pk) is False
