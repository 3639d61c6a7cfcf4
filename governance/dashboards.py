"""Figures for /dashboards/: how the catalogue and the access loop are doing.

Every count reads through `Dataset.objects.visible_to(user)` or the user's own organisations,
so a dashboard never reveals a dataset (or a request about one) the reader may not see.
"""

import statistics
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q
from django.utils import timezone

from catalogue import quality
from catalogue.models import Dataset, Distribution, Organisation
from catalogue.permissions import organisations_where
from catalogue.vocabularies import AccessRights, DatasetStatus, Role
from governance.models import AccessRequest, Grant
from governance.vocabularies import GrantStatus, RequestStatus

User = AbstractBaseUser | AnonymousUser


def _stale_filter(now) -> Q:
    """Published data more than half a period late against its own update frequency."""
    stale = Q(pk__in=[])
    for frequency, days in quality.FREQUENCY_DAYS.items():
        cutoff = now - timedelta(days=days * quality.GRACE)
        stale |= Q(update_frequency=frequency, modified__lt=cutoff)
    return stale


def catalogue_figures(*, user: User) -> dict:
    now = timezone.now()
    published = Dataset.objects.visible_to(user).filter(status=DatasetStatus.PUBLISHED)
    totals = published.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(access_rights=AccessRights.OPEN)),
        stale=Count("pk", filter=_stale_filter(now)),
    )
    ratings = dict(
        published.values_list("quality_rating")
        .annotate(n=Count("pk"))
        .values_list("quality_rating", "n")
    )
    links = Distribution.objects.filter(dataset__in=published.values("pk")).aggregate(
        checked=Count("pk", filter=Q(link_ok__isnull=False)),
        broken=Count("pk", filter=Q(link_ok=False)),
    )
    return {
        **totals,
        "ratings": [
            (quality.RATING_LABELS[name], ratings.get(name, 0)) for _, name in quality.RATINGS
        ],
        "links_checked": links["checked"],
        "links_broken": links["broken"],
        "shares_in_force": Grant.objects.filter(status=GrantStatus.ACTIVE, end__gt=now).count(),
    }


def organisation_figures(*, user: User) -> list[dict]:
    """One row per organisation the user belongs to: its records and its access requests."""
    organisation_ids = organisations_where(user, Role.values)[:50]  # a superuser sees the first 50
    now = timezone.now()
    sla = now - timedelta(days=settings.GOVERNANCE_SLA_DAYS)
    datasets = dict(
        (row["publisher"], row)
        for row in Dataset.objects.filter(publisher__in=organisation_ids)
        .values("publisher")
        .annotate(
            draft=Count("pk", filter=Q(status=DatasetStatus.DRAFT)),
            published=Count("pk", filter=Q(status=DatasetStatus.PUBLISHED)),
            withdrawn=Count("pk", filter=Q(status=DatasetStatus.WITHDRAWN)),
            stale=Count("pk", filter=Q(status=DatasetStatus.PUBLISHED) & _stale_filter(now)),
        )
    )
    requests = dict(
        (row["dataset__publisher"], row)
        for row in AccessRequest.objects.filter(dataset__publisher__in=organisation_ids)
        .values("dataset__publisher")
        .annotate(
            waiting=Count(
                "pk", filter=Q(status__in=[RequestStatus.SUBMITTED, RequestStatus.IN_REVIEW])
            ),
            overdue=Count(
                "pk",
                filter=Q(
                    status__in=[RequestStatus.SUBMITTED, RequestStatus.IN_REVIEW],
                    submitted_at__lt=sla,
                ),
            ),
            accepted=Count("pk", filter=Q(status=RequestStatus.ACCEPTED)),
            rejected=Count("pk", filter=Q(status=RequestStatus.REJECTED)),
        )
    )
    rows = []
    for organisation in Organisation.objects.filter(pk__in=organisation_ids).order_by("title"):
        decided = AccessRequest.objects.filter(
            dataset__publisher=organisation, decided_at__gte=now - timedelta(days=90),
            submitted_at__isnull=False,
        ).values_list("submitted_at", "decided_at")[:500]  # fmt: skip
        days = [(end - start).total_seconds() / 86400 for start, end in decided]
        rows.append({
            "organisation": organisation,
            "datasets": datasets.get(organisation.pk, {}),
            "requests": requests.get(organisation.pk, {}),
            "median_days_to_decision": round(statistics.median(days), 1) if days else None,
        })  # fmt: skip
    return rows
