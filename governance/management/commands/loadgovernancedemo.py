"""Governance demo: OPM's default policy and the analyst's requests in several states.

Run by `loaddemo` after it has made the demo users; re-runnable (nothing is made twice).
Everything goes through the services, so the audit log and inboxes look as they would in use.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from catalogue.models import Dataset, Organisation
from catalogue.vocabularies import AccessRights
from governance import services
from governance.models import AccessRequest

HOME = "office-of-personnel-management"
TRAINING = "I have completed my organisation's data protection training this year."
OPM_POLICY = {
    "approval_steps": ["governance_officer"],
    "max_grant_days": 180,
    "eligibility_statements": [TRAINING],
    "auto_approval_rules": [
        {
            "name": "same-organisation-internal",
            "when": {"same_organisation": True, "access_rights": ["INTERNAL"]},
        }
    ],
}


def _answers(purpose: str, days: int) -> dict:
    return {
        "purpose": purpose,
        "data_required": "All fields for the last five years, at the finest geography published.",
        "public_benefit": "policy",
        "end_date": timezone.localdate() + dt.timedelta(days=days),
        "legal_power": "Communications Act 2003, section 3 (general duties of the regulator).",
        "legal_gateway": "Digital Economy Act 2017, Part 5, Chapter 1 (public service delivery).",
        "delivery": "Secure file transfer to the FCC analytical environment.",
        "format": "CSV",
        "retention": "Until the end of the project, at most one year.",
        "disposal": "Secure deletion with a certificate of destruction sent to OPM.",
        "confirmed_statements": [TRAINING],
    }


# (what the analyst asks, where the request ends up)
SCENARIOS = [
    ("Compare federal workforce broadband allowances with coverage in rural areas.", "Submitted"),
    ("Model the effect of telework on demand for home broadband.", "Accepted"),
    ("Study staffing of field offices against regional connectivity.", "Returned"),
]


class Command(BaseCommand):
    help = "Load the governance demo (needs the demo users of loaddemo). Re-runnable."

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        try:
            home = Organisation.objects.get(slug=HOME)
            analyst = User.objects.get(username="analyst")
            officer = User.objects.get(username="officer")
        except (Organisation.DoesNotExist, User.DoesNotExist) as missing:
            raise CommandError(f"Run loaddemo first: {missing}") from None
        services.governance_policy_set(actor=None, organisation=home, rules=OPM_POLICY)
        datasets = list(
            Dataset.objects.visible_to(analyst)
            .published()
            .filter(publisher=home, access_rights=AccessRights.INTERNAL)
            .order_by("title")[: len(SCENARIOS)]
        )
        if len(datasets) < len(SCENARIOS):
            raise CommandError(f"{HOME} needs {len(SCENARIOS)} published INTERNAL datasets.")
        made = 0
        for dataset, (purpose, target) in zip(datasets, SCENARIOS, strict=True):
            if AccessRequest.objects.filter(requester=analyst, dataset=dataset).exists():
                continue
            self._request(dataset, analyst, officer, purpose, target)
            made += 1
        self.stdout.write(
            f"Governance demo: OPM policy set, {made} new access requests "
            "(analyst's requests are in /requests/, officer's queue in /governance/queue/)."
        )

    def _request(self, dataset, analyst, officer, purpose: str, target: str) -> None:
        request = services.access_request_create(
            requester=analyst, dataset=dataset, answers=_answers(purpose, days=120)
        )
        request = services.access_request_submit(actor=analyst, access_request=request)
        if target == "Submitted":
            return
        request = services.access_request_start_review(actor=officer, access_request=request)
        if target == "Accepted":
            services.access_request_approve(
                actor=officer, access_request=request, comment="Purpose and gateway are clear."
            )
        else:
            services.access_request_return(
                actor=officer,
                access_request=request,
                reason="Please say which field offices and years you need.",
            )
