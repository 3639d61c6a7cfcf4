from catalogue.harvest.models import HarvestJob, HarvestRecordIssue, HarvestSource

from .datasets import ContactPoint, Dataset, DatasetQuerySet, Distribution
from .organisations import Membership, Organisation
from .search import SearchDatasetTerm, SearchOutbox, SearchTerm
from .vocabularies import Licence, Theme

__all__ = [
    "ContactPoint",
    "Dataset",
    "DatasetQuerySet",
    "Distribution",
    "HarvestJob",
    "HarvestRecordIssue",
    "HarvestSource",
    "Licence",
    "Membership",
    "Organisation",
    "SearchDatasetTerm",
    "SearchOutbox",
    "SearchTerm",
    "Theme",
]
