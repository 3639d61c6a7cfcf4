from .datasets import (
    dataset_create,
    dataset_publish,
    dataset_refresh_quality,
    dataset_update,
    dataset_withdraw,
)
from .organisations import (
    membership_create,
    membership_delete,
    organisation_create,
    organisation_update,
)

__all__ = [
    "dataset_create",
    "dataset_publish",
    "dataset_refresh_quality",
    "dataset_update",
    "dataset_withdraw",
    "membership_create",
    "membership_delete",
    "organisation_create",
    "organisation_update",
]
