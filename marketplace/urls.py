from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from accounts.api import TokenView
from catalogue.api import views as catalogue_api
from catalogue.harvest import api as harvest_api
from catalogue.urls import publishing_patterns
from governance.api import views as governance_api

router = DefaultRouter()
router.register("datasets", catalogue_api.DatasetViewSet, basename="dataset")
router.register("organisations", catalogue_api.OrganisationViewSet, basename="organisation")
router.register("themes", catalogue_api.ThemeViewSet, basename="theme")
router.register("licences", catalogue_api.LicenceViewSet, basename="licence")
router.register("harvest-sources", harvest_api.HarvestSourceViewSet, basename="harvest-source")
router.register("harvest-jobs", harvest_api.HarvestJobViewSet, basename="harvest-job")
router.register("access-requests", governance_api.AccessRequestViewSet, basename="access-request")
router.register("grants", governance_api.GrantViewSet, basename="grant")
router.register("audit-events", governance_api.AuditEventViewSet, basename="audit-event")
router.register("register", governance_api.RegisterViewSet, basename="register")

membership_list = catalogue_api.MembershipViewSet.as_view({"get": "list", "post": "create"})
membership_detail = catalogue_api.MembershipViewSet.as_view({"delete": "destroy"})

api_v1 = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path(
        "organisations/<slug:organisation_slug>/memberships/",
        membership_list,
        name="membership-list",
    ),
    path(
        "organisations/<slug:organisation_slug>/memberships/<int:pk>/",
        membership_detail,
        name="membership-detail",
    ),
    *router.urls,
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("publish/", include(publishing_patterns)),
    path("", include("governance.urls")),
    path("", include("catalogue.feeds.urls")),
    path("", include("catalogue.urls")),
]
