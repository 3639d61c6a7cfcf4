"""Federation feeds: DCAT-AP 3 (Turtle, JSON-LD, RDF/XML), DCAT-US 1.1 data.json and a read-only
CKAN-compatible Action API, so other catalogues (and other nodes of this product) can harvest us.

Every feed reads through `Dataset.objects.visible_to(user)`: a feed never shows what the page
would not, and download links of non-open data only go to those allowed to see them.
"""
