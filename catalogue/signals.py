"""Events other apps may listen to. Catalogue never imports them; governance audits these."""

from django.dispatch import Signal

# Sent inside the transaction of a lifecycle change, with dataset, actor, from_status,
# to_status and comment.
dataset_transitioned = Signal()
