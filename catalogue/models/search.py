from django.db import models


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
