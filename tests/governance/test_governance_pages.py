"""The GOV.UK journeys: a request from start to send, the officer's queue and decision, grants,
the register and the inbox. Plain HTML forms, no JavaScript, CSRF on."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from governance.models import AccessRequest, Grant
from tests.factories import DatasetFactory
from tests.governance.conftest import request_in

pytestmark = pytest.mark.django_db

ANSWERS = [
    ("purpose", {"answer": "Evaluate the road safety programme."}),
    ("data_required", {"answer": "Casualties by junction, 2019-2025."}),
    ("public_benefit", {"answer": "policy"}),
    ("end_date", None),  # filled in by the test: a date 60 days ahead
    ("legal_power", {"answer": "Road Traffic Regulation Act 1984."}),
    ("legal_gateway", {"answer": "Digital Economy Act 2017, Part 5."}),
    ("lawful_basis", {"answer": "public_task"}),
    ("data_leaves_uk", {"answer": "no"}),
    ("controller_role", {"answer": "controller"}),
    ("delivery", {"answer": "Secure file transfer."}),
    ("format", {"answer": "CSV"}),
    ("retention", {"answer": "Two years."}),
    ("disposal", {"answer": "Secure deletion."}),
]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_requester_completes_the_task_list_checks_answers_and_sends(world):
    client = signed_in(world.requester)
    page = client.get(f"/requests/new/?dataset={world.dataset.pk}")
    assert page.status_code == 200
    assert "Request access to Road casualties by junction" in page.content.decode()
    response = client.post(
        "/requests/new/",
        {"dataset": str(world.dataset.pk), "requesting_organisation": "department-b"},
    )
    request = AccessRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/requests/{request.pk}/"
    task_list = client.get(f"/requests/{request.pk}/").content.decode()
    assert "govuk-task-list" in task_list
    assert "Not yet started" in task_list
    assert "Cannot start yet" in task_list

    end = timezone.localdate() + dt.timedelta(days=60)
    for name, data in ANSWERS:
        data = data or {"day": end.day, "month": end.month, "year": end.year}
        response = client.post(f"/requests/{request.pk}/questions/{name}/", data)
        assert response.status_code == 302, (name, response.content.decode()[:2000])
    request.refresh_from_db()
    assert (request.public_benefit, request.end_date, request.data_leaves_uk) == (
        "policy",
        end,
        False,
    )
    task_list = client.get(f"/requests/{request.pk}/").content.decode()
    assert task_list.count("Completed") == 4
    assert f"/requests/{request.pk}/check/" in task_list

    check = client.get(f"/requests/{request.pk}/check/").content.decode()
    assert "Check your answers" in check
    assert "Evaluate the road safety programme." in check
    assert "Policy decision-making" in check
    refused = client.post(f"/requests/{request.pk}/check/", {})
    assert refused.status_code == 400
    assert "There is a problem" in refused.content.decode()
    assert "Confirm that the information you have given is correct." in refused.content.decode()
    request.refresh_from_db()
    assert request.status == "Draft"

    sent = client.post(f"/requests/{request.pk}/check/", {"declaration": "yes"})
    assert sent.status_code == 302
    confirmation = client.get(sent["Location"]).content.decode()
    assert "govuk-panel--confirmation" in confirmation
    assert request.reference in confirmation
    request.refresh_from_db()
    assert request.status == "Submitted"
    mine = client.get("/requests/").content.decode()
    assert request.reference in mine
    assert "Submitted" in mine


def test_start_page_points_to_open_requests_and_existing_access(world):
    draft = request_in(world, "Draft")
    page = signed_in(world.requester).get(f"/requests/new/?dataset={world.dataset.slug}")
    assert draft.reference in page.content.decode()
    request_in(world, "Accepted")
    page = signed_in(world.requester).get(f"/requests/new/?dataset={world.dataset.pk}")
    assert "You already have access to this data until" in page.content.decode()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("purpose", {"answer": "  "}, "Enter the purpose of the data share."),
        ("public_benefit", {}, "Select the public benefit."),
        ("public_benefit", {"answer": "fun"}, "Select a valid choice."),
        ("end_date", {"day": "31", "month": "2", "year": "2027"}, "Enter a real date"),
        (
            "end_date",
            {"day": "1", "month": "", "year": "2027"},
            "must include a day, month and year",
        ),
        ("end_date", {"day": "0", "month": "13", "year": "2027"}, "Enter a real date"),
    ],
)
def test_bad_answers_show_an_error_summary_and_save_nothing(world, name, data, message):
    request = request_in(world, "Draft", purpose="Kept", public_benefit="", end_date=None)
    world.dataset.refresh_from_db()
    response = signed_in(world.requester).post(f"/requests/{request.pk}/questions/{name}/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert message in body
    assert "govuk-form-group--error" in body
    anchor = {"purpose": "answer", "public_benefit": "answer-policy", "end_date": "answer-day"}
    assert f'href="#{anchor[name]}"' in body
    assert f'id="{anchor[name]}"' in body
    request.refresh_from_db()
    assert (request.purpose, request.public_benefit, request.end_date) == ("Kept", "", None)


def test_a_date_past_the_longest_grant_is_refused_on_the_page(world):
    request = request_in(world, "Draft")
    late = timezone.localdate() + dt.timedelta(days=400)
    client = signed_in(world.requester)
    assert client.post(f"/requests/{request.pk}/check/", {"declaration": "yes"}).status_code == 302
    request = request_in(world, "Draft", end_date=late)
    response = client.post(f"/requests/{request.pk}/check/", {"declaration": "yes"})
    assert response.status_code == 400
    assert "at most 365 days" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "Draft"


def test_forms_refuse_posts_without_a_csrf_token(world):
    request = request_in(world, "Draft")
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.requester)
    response = client.post(f"/requests/{request.pk}/questions/purpose/", {"answer": "Changed"})
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.purpose != "Changed"


def test_open_data_cannot_be_requested_and_hidden_data_is_not_found(world, org_a):
    open_data = DatasetFactory(publisher=org_a, access_rights="OPEN")
    client = signed_in(world.requester)
    response = client.get(f"/requests/new/?dataset={open_data.pk}")
    assert response.status_code == 400
    assert "This data is open" in response.content.decode()
    hidden = DatasetFactory(
        publisher=org_a, access_rights="RESTRICTED", metadata_visibility="ORGANISATION"
    )
    assert client.get(f"/requests/new/?dataset={hidden.pk}").status_code == 404
    assert client.post("/requests/new/", {"dataset": str(hidden.pk)}).status_code == 404
    assert not AccessRequest.objects.exists()


def test_ineligible_requester_is_told_why_on_the_start_page(world):
    from governance.services import governance_policy_set

    governance_policy_set(
        actor=None, dataset=world.dataset, rules={"allowed_email_domains": ["dft.gov.uk"]}
    )
    response = signed_in(world.requester).post(
        "/requests/new/",
        {"dataset": str(world.dataset.pk), "requesting_organisation": "department-b"},
    )
    assert response.status_code == 400
    assert "Only people with an email address at dft.gov.uk" in response.content.decode()
    assert not AccessRequest.objects.exists()


def test_pages_need_sign_in_and_show_only_your_own_requests(world, client):
    request = request_in(world, "Draft")
    assert client.get("/requests/").status_code == 302
    assert client.get("/governance/queue/").status_code == 302
    assert signed_in(world.officer_b).get(f"/requests/{request.pk}/").status_code == 404
    assert signed_in(world.officer).get(f"/requests/{request.pk}/").status_code == 404


def test_returned_request_shows_the_reason_and_can_be_changed(world):
    request = request_in(world, "Returned")
    client = signed_in(world.requester)
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert "Say which years you need." in page
    assert "govuk-task-list" in page
    response = client.post(
        f"/requests/{request.pk}/questions/data_required/", {"answer": "2023 only", "check": "1"}
    )
    assert response["Location"] == f"/requests/{request.pk}/check/"
    assert client.post(f"/requests/{request.pk}/check/", {"declaration": "yes"}).status_code == 302
    request.refresh_from_db()
    assert (request.status, request.data_required) == ("Submitted", "2023 only")


def test_requester_cancels_and_the_request_stays_cancelled(world):
    request = request_in(world, "Submitted")
    client = signed_in(world.requester)
    assert (
        client.post(f"/requests/{request.pk}/cancel/", {"comment": "No longer needed"}).status_code
        == 302
    )
    request.refresh_from_db()
    assert request.status == "Cancelled"
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert "Cancel this request" not in page
    assert "No longer needed" in page
    client.post(f"/requests/{request.pk}/cancel/")
    assert "cannot be cancelled" in client.get(f"/requests/{request.pk}/").content.decode()


def test_officer_queue_shows_waiting_time_and_flags_requests_past_the_service_level(
    world, settings
):
    settings.GOVERNANCE_SLA_DAYS = 10
    fresh = request_in(world, "Submitted")
    old = request_in(world, "Submitted")
    AccessRequest.objects.filter(pk=old.pk).update(
        submitted_at=timezone.now() - dt.timedelta(days=12)
    )
    page = signed_in(world.officer).get("/governance/queue/")
    body = page.content.decode()
    assert page.status_code == 200
    assert fresh.reference in body
    assert old.reference in body
    assert "12 days" in body
    assert body.count("Overdue") == 1
    assert "1 past the 10-day service level" in body
    assert body.index(old.reference) < body.index(fresh.reference)  # oldest first
    assert signed_in(world.officer_b).get("/governance/queue/").content.decode().count("DMR-") == 0
    assert signed_in(world.member).get("/governance/queue/").status_code == 403


def test_officer_sees_decided_requests_of_the_organisation_only(world):
    accepted = request_in(world, "Accepted")
    waiting = request_in(world, "Submitted")
    body = signed_in(world.officer).get("/governance/queue/?show=decided").content.decode()
    assert accepted.reference in body
    assert waiting.reference not in body
    other = signed_in(world.officer_b).get("/governance/queue/?show=decided").content.decode()
    assert accepted.reference not in other


def test_officer_reviews_and_decides_on_the_decision_page(world):
    request = request_in(world, "Submitted")
    client = signed_in(world.officer)
    page = client.get(f"/governance/requests/{request.pk}/").content.decode()
    assert "Start review" in page
    assert "Measure the effect" in page
    assert "Longest grant 365 days" in page
    assert (
        client.post(
            f"/governance/requests/{request.pk}/decide/", {"decision": "start-review"}
        ).status_code
        == 302
    )
    refused = client.post(f"/governance/requests/{request.pk}/decide/", {"decision": "reject"})
    assert refused.status_code == 400
    assert "Enter the reason you are rejecting this request." in refused.content.decode()
    assert "govuk-error-summary" in refused.content.decode()
    missing = client.post(f"/governance/requests/{request.pk}/decide/", {})
    assert missing.status_code == 400
    assert "Select whether to approve" in missing.content.decode()
    request.refresh_from_db()
    assert request.status == "InReview"
    done = client.post(f"/governance/requests/{request.pk}/decide/", {"decision": "approve"})
    assert done["Location"] == "/governance/queue/"
    request.refresh_from_db()
    assert request.status == "Accepted"
    history = client.get(f"/governance/requests/{request.pk}/").content.decode()
    assert "Request accepted" in history
    assert "all-steps-approved" in history


def test_other_organisations_cannot_open_or_decide_the_request(world):
    request = request_in(world, "InReview")
    client = signed_in(world.officer_b)
    assert client.get(f"/governance/requests/{request.pk}/").status_code == 404
    assert (
        client.post(
            f"/governance/requests/{request.pk}/decide/", {"decision": "approve"}
        ).status_code
        == 404
    )
    assert (
        signed_in(world.requester)
        .post(f"/governance/requests/{request.pk}/decide/", {"decision": "approve"})
        .status_code
        == 403
    )
    request.refresh_from_db()
    assert request.status == "InReview"


def test_grants_page_shows_holders_their_access_and_lets_officers_revoke(world):
    request_in(world, "Accepted")
    world.dataset.metadata_visibility = "ORGANISATION"  # narrowed after the request
    world.dataset.save()
    grant = Grant.objects.get()
    holder = signed_in(world.requester)
    assert "Road casualties by junction" in holder.get("/grants/").content.decode()
    assert "Revoke" not in holder.get("/grants/").content.decode()
    assert holder.get(f"/datasets/{world.dataset.slug}/").status_code == 200
    officer = signed_in(world.officer)
    assert f"/grants/{grant.pk}/revoke/" in officer.get("/grants/").content.decode()
    refused = officer.post(f"/grants/{grant.pk}/revoke/", {"reason": ""})
    assert refused.status_code == 400
    assert "Enter the reason you are revoking this access." in refused.content.decode()
    assert holder.post(f"/grants/{grant.pk}/revoke/", {"reason": "Mine"}).status_code == 403
    assert officer.post(f"/grants/{grant.pk}/revoke/", {"reason": "Ended."}).status_code == 302
    grant.refresh_from_db()
    assert grant.status == "revoked"
    assert holder.get(f"/datasets/{world.dataset.slug}/").status_code == 404
    assert "Revoked" in holder.get("/grants/").content.decode()


def test_register_page_is_public(world, client):
    world.dataset.metadata_visibility = "PUBLIC"
    world.dataset.save()
    request_in(world, "Accepted")
    page = client.get("/register/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Road casualties by junction" in body
    assert "Department B" in body
    assert "Digital Economy Act 2017" in body


def test_inbox_lists_messages_with_unread_count_and_marks_them_read(world):
    request_in(world, "Returned")
    client = signed_in(world.requester)
    page = client.get("/inbox/").content.decode()
    assert "1 unread" in page
    assert "returned to you" in page
    assert client.post("/inbox/read/").status_code == 302
    assert "0 unread" in client.get("/inbox/").content.decode()
    assert world.requester.notifications.unread().count() == 0


def test_every_page_knows_the_unread_count_for_the_header(world):
    request_in(world, "Returned")
    response = signed_in(world.requester).get("/requests/")
    assert str(response.context["inbox_unread"]) == "1"
    assert Client().get("/register/").context["inbox_unread"] == 0
