"""Auditing dataset lifecycle changes announced by catalogue.signals.dataset_transitioned."""

from django.contrib.auth.models import AbstractBaseUser

from catalogue.models import Dataset
from catalogue.vocabularies import DatasetStatus
from governance.services.audit import audit_record
from governance.vocabularies import AuditVerb

VERBS = {
    DatasetStatus.PUBLISHED: AuditVerb.DATASET_PUBLISH,
    DatasetStatus.WITHDRAWN: AuditVerb.DATASET_WITHDRAW,
}


def dataset_transition_audit(
    *,
    dataset: Dataset,
    actor: AbstractBaseUser | None,
    from_status: str,
    to_status: str,
    comment: str = "",
) -> None:
    audit_record(
        actor=actor,
        organisation=dataset.publisher,
        verb=VERBS[to_status],
        object_type="dataset",
        object_id=dataset.pk,
        object_repr=dataset.title,
        from_state=from_status,
        to_state=to_status,
        comment=comment,
    )
