"""Catalogue pages: `datasets` (home, search, dataset and organisation pages) and `publishing`
(the publisher's create, edit, publish and withdraw journey). Harvest pages live with the rest of
harvesting in `catalogue/harvest/views.py`."""
