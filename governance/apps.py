from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        from catalogue.signals import dataset_transitioned

        dataset_transitioned.connect(_audit_dataset_transition, dispatch_uid="governance-audit")


def _audit_dataset_transition(sender, *, dataset, actor, from_status, to_status, comment="", **_):
    from governance.services.datasets import dataset_transition_audit

    dataset_transition_audit(
        dataset=dataset, actor=actor, from_status=from_status, to_status=to_status, comment=comment
    )
