from django.urls import path, re_path

from . import ckan_api, dcat_views, views

urlpatterns = [
    re_path(
        r"^catalog\.(?P<extension>ttl|jsonld|rdf)$",
        dcat_views.catalogue_feed,
        name="catalogue-feed",
    ),
    re_path(
        r"^datasets/(?P<slug>[-\w]+)\.(?P<extension>ttl|jsonld|rdf)$",
        dcat_views.dataset_feed,
        name="dataset-feed",
    ),
    path("data.json", views.datajson_feed, name="datajson-feed"),
    re_path(
        r"^api/(?:3/)?action/(?P<name>\w+)/?$",
        ckan_api.CkanActionView.as_view(),
        name="ckan-action",
    ),
]
