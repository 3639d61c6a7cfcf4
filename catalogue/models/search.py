from django.db import models


class SearchTerm(models.Model):
    """A free-text facet value (a keyword, a distribution format), lower-cased, numbered once.

    Written only by `catalogue.search.index_datasets`. The keyword and format facets group
    small integers in `SearchDatasetTerm` instead of parsing each match's JSON keyword list or
    reading its distributions: those were the two most expensive facets.
    """

    class Facet(models.TextChoices):
        KEYWORD = "keyword"
        FORMAT = "format"

    facet = models.CharField(max_length=20, choices=Facet.choices)
    value = models.TextField(help_text="Lower-cased: facets group, and filters match, on it.")
    label = models.TextField(help_text="As first written in a record (keywords keep their case).")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["facet", "value"], name="search_term_unique")
        ]

    def __str__(self) -> str:
        return f"{self.facet}: {self.label}"


class SearchDatasetTerm(models.Model):
    """Which terms a dataset has. No foreign keys, like the other search tables, so bulk writers
    and test flushes never wait on them; `index_datasets` replaces a dataset's rows whole."""

    dataset_id = models.UUIDField()
    term_id = models.BigIntegerField()

    class Meta:
        # The facets read this index alone: the dataset's ids lead, the term ids ride along.
        indexes = [models.Index(fields=["dataset_id", "term_id"], name="search_dataset_term")]

    def __str__(self) -> str:
        return f"{self.dataset_id} → {self.term_id}"


class SearchOutbox(models.Model):
    """A dataset waiting to be written to (or removed from) the tantivy search index.

    Rows are added in the same transaction as the change they describe, so a change is never
    committed without its row; the drain deletes a row only after the index holds the change.
    No foreign key: a deleted dataset's row is how its document leaves the index.
    """

    dataset_id = models.UUIDField()
    queued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.dataset_id)
