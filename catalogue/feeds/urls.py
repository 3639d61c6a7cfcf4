from django.urls import path, re_path

from . import dcat_views, views

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
    path("api/3/action/package_search", views.ckan_package_search, name="ckan-package-search"),
    path("api/3/action/package_show", views.ckan_package_show, name="ckan-package-show"),
    path("api/3/action/package_list", views.ckan_package_list, name="ckan-package-list"),
    path(
        "api/3/action/organization_list",
        views.ckan_organization_list,
        name="ckan-organization-list",
    ),
]
