"""Catalogue pages. Everyone: home, search, datasets, organisations. Publishers: /publish/.
Harvest pages come from catalogue/harvest/urls.py under the same namespace."""

from django.urls import path

from catalogue.harvest import urls as harvest_urls
from catalogue.views import datasets, publishing

app_name = "catalogue"

urlpatterns = [
    path("", datasets.home, name="home"),
    path("datasets/", datasets.dataset_search_page, name="dataset-list"),
    path("datasets/<slug:slug>/", datasets.dataset_detail, name="dataset-detail"),
    path("organisations/", datasets.organisation_list, name="organisation-list"),
    path("organisations/<slug:slug>/", datasets.organisation_detail, name="organisation-detail"),
    *harvest_urls.urlpatterns,
]

publishing_patterns = (
    [
        path("", publishing.publish_home, name="home"),
        path("new/", publishing.dataset_new, name="new"),
        path("quality/", publishing.quality_preview, name="quality"),
        path("<uuid:pk>/", publishing.dataset_edit, name="edit"),
        path("<uuid:pk>/publish/", publishing.dataset_publish, name="publish"),
        path("<uuid:pk>/withdraw/", publishing.dataset_withdraw, name="withdraw"),
    ],
    "publishing",
)
