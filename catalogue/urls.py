from django.urls import path

from . import views, views_harvest

app_name = "catalogue"

urlpatterns = [
    path("", views.home, name="home"),
    path("datasets/", views.dataset_search_page, name="dataset-list"),
    path("datasets/<slug:slug>/", views.dataset_detail, name="dataset-detail"),
    path("harvest/", views_harvest.harvest_sources, name="harvest-sources"),
    path("harvest/sources/<int:pk>/", views_harvest.harvest_source_detail, name="harvest-source"),
    path(
        "harvest/sources/<int:pk>/run/",
        views_harvest.harvest_source_run_view,
        name="harvest-source-run",
    ),
    path("harvest/jobs/<int:pk>/", views_harvest.harvest_job_detail, name="harvest-job"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
]
