from django.urls import path

from . import views

app_name = "publishing"

urlpatterns = [
    path("", views.publish_home, name="home"),
    path("new/", views.dataset_new, name="new"),
    path("quality/", views.quality_preview, name="quality"),
    path("<uuid:pk>/", views.dataset_edit, name="edit"),
    path("<uuid:pk>/publish/", views.dataset_publish, name="publish"),
    path("<uuid:pk>/withdraw/", views.dataset_withdraw, name="withdraw"),
]
