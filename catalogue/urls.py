from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("", views.home, name="home"),
    path("datasets/", views.dataset_search_page, name="dataset-list"),
    path("datasets/<slug:slug>/", views.dataset_detail, name="dataset-detail"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
]
