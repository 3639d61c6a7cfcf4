from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        from catalogue.signals import dataset_transitioned
        from catalogue.visibility import register_granted_datasets

        dataset_transitioned.connect(_audit_dataset_transition, dispatch_uid="governance-audit")
        # Holders of an active grant see the dataset's restricted metadata and downloads.
        register_granted_datasets(_granted_datasets)


def _granted_datasets(user):
    """Ids of the datasets `user` holds an active grant for, as a subquery."""
    from governance.models import Grant

    return Grant.objects.active().filter(user=user).values_list("dataset_id", flat=True)


def _audit_dataset_transition(sender, *, dataset, actor, from_status, to_status, comment="", **_):
    from governance.services.datasets import dataset_transition_audit

    dataset_transition_audit(
        dataset=dataset, actor=actor, from_status=from_status, to_status=to_status, comment=comment
    )
