"""Celery tasks of the catalogue: thin wrappers that take ids and call one service."""

from celery import shared_task

from catalogue.models import Dataset


@shared_task(acks_late=True)
def dataset_validate_task(dataset_id: str) -> None:
    from catalogue.services.validation import dataset_validate

    dataset = Dataset.objects.filter(pk=dataset_id).first()
    if dataset is not None:
        dataset_validate(dataset=dataset)


@shared_task(acks_late=True)
def links_check_due_task(limit: int = 500) -> int:
    from catalogue.services.validation import links_check_due

    return links_check_due(limit=limit)
