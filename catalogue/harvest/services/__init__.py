"""Harvest services: the Django side of harvesting (runs, batches, sources)."""
