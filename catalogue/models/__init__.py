from .datasets import ContactPoint, Dataset, DatasetQuerySet, Distribution
from .organisations import Membership, Organisation
from .vocabularies import Licence, Theme

__all__ = [
    "ContactPoint",
    "Dataset",
    "DatasetQuerySet",
    "Distribution",
    "Licence",
    "Membership",
    "Organisation",
    "Theme",
]
