"""Harvest pages: a publisher's sources, a source's runs, a job's report."""

from django.urls import path

from . import views

urlpatterns = [
    path("harvest/", views.harvest_sources, name="harvest-sources"),
    path("harvest/sources/<int:pk>/", views.harvest_source_detail, name="harvest-source"),
    path("harvest/sources/<int:pk>/run/", views.harvest_source_run_view, name="harvest-source-run"),
    path("harvest/jobs/<int:pk>/", views.harvest_job_detail, name="harvest-job"),
]
