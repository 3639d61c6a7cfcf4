from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from catalogue import services
from catalogue.errors import SearchParameterError
from catalogue.models import Dataset, Licence, Membership, Organisation, Theme
from catalogue.permissions import is_member
from catalogue.search.filters import DatasetFilter
from catalogue.search.query import ORDERINGS, dataset_search
from catalogue.selectors import dataset_list, dataset_lookup, organisation_members
from catalogue.vocabularies import DatasetStatus

from .permissions import ReadOnlyOrAuthenticated
from .serializers import (
    DatasetInputSerializer,
    DatasetSerializer,
    LicenceSerializer,
    MembershipSerializer,
    OrganisationSerializer,
    ThemeSerializer,
)


class DatasetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Datasets and data services. Lists show published records unless `status` is given."""

    serializer_class = DatasetSerializer
    filterset_class = DatasetFilter
    permission_classes = [ReadOnlyOrAuthenticated]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        qs = dataset_list(user=self.request.user)
        if self.action == "list" and "status" not in self.request.query_params:
            qs = qs.filter(status=DatasetStatus.PUBLISHED)
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "ordering",
                str,
                enum=list(ORDERINGS),
                description=(
                    "relevance (the default with `q`), title, -title, modified, -modified "
                    "(newest first: the default when browsing)"
                ),
            ),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int, description="At most 100."),
        ]
    )
    def list(self, request, *args, **kwargs):
        """Search and browse: results with highlights, plus facet counts in `facets`."""
        try:
            found = dataset_search(user=request.user, params=request.query_params)
        except SearchParameterError as error:
            raise ValidationError(error.errors) from error
        page = self.paginate_queryset(found.queryset)
        context = {**self.get_serializer_context(), "highlights": found.highlights_for(page)}
        data = DatasetSerializer(page, many=True, context=context).data
        response = self.get_paginated_response(data)
        response.data["facets"] = found.facets
        return response

    def get_object(self) -> Dataset:
        dataset = dataset_lookup(user=self.request.user, key=self.kwargs["pk"])
        if dataset is None:
            raise Http404("No dataset with that id, or not one you may see.")
        return dataset

    def _respond(self, dataset: Dataset, code: int = status.HTTP_200_OK) -> Response:
        fresh = dataset_lookup(user=self.request.user, key=str(dataset.pk))
        return Response(
            DatasetSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(request=DatasetInputSerializer, responses={201: DatasetSerializer})
    def create(self, request, *args, **kwargs):
        serializer = DatasetInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        dataset = services.dataset_create(
            actor=request.user, publisher=data.pop("publisher"), data=data
        )
        return self._respond(dataset, status.HTTP_201_CREATED)

    @extend_schema(request=DatasetInputSerializer, responses=DatasetSerializer)
    def partial_update(self, request, *args, **kwargs):
        dataset = self.get_object()
        serializer = DatasetInputSerializer(dataset, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        dataset = services.dataset_update(
            actor=request.user, dataset=dataset, data=dict(serializer.validated_data)
        )
        return self._respond(dataset)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            return Response(
                {"detail": "Use PATCH to change a dataset."},
                status=status.HTTP_405_METHOD_NOT_ALLOWED,
            )
        return super().update(request, *args, **kwargs)

    @extend_schema(request=None, responses=DatasetSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        dataset = services.dataset_publish(
            actor=request.user,
            dataset=self.get_object(),
            comment=str(request.data.get("comment", "")),
        )
        return self._respond(dataset)

    @extend_schema(request=None, responses=DatasetSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        dataset = services.dataset_withdraw(
            actor=request.user,
            dataset=self.get_object(),
            comment=str(request.data.get("comment", "")),
        )
        return self._respond(dataset)


class OrganisationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.select_related("parent")
    lookup_field = "slug"
    permission_classes = [ReadOnlyOrAuthenticated]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = services.organisation_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.organisation_update(
            actor=self.request.user,
            organisation=serializer.instance,
            data=serializer.validated_data,
        )


class MembershipViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Members of one organisation: seen by its members, managed by its admins."""

    serializer_class = MembershipSerializer
    permission_classes = [IsAuthenticated]

    def get_organisation(self) -> Organisation:
        return get_object_or_404(Organisation, slug=self.kwargs["organisation_slug"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no organisation
            return Membership.objects.none()
        organisation = self.get_organisation()
        if not is_member(self.request.user, organisation):
            raise PermissionDenied(f"Only members of {organisation.title} can see its members.")
        return organisation_members(organisation=organisation)

    def perform_create(self, serializer):
        serializer.instance = services.membership_create(
            actor=self.request.user,
            organisation=self.get_organisation(),
            user=serializer.validated_data["user"],
            role=serializer.validated_data["role"],
        )

    def get_object(self) -> Membership:
        organisation = self.get_organisation()
        return get_object_or_404(Membership, organisation=organisation, pk=self.kwargs["pk"])

    def perform_destroy(self, instance):
        services.membership_delete(actor=self.request.user, membership=instance)


@extend_schema(parameters=[OpenApiParameter("slug", str, OpenApiParameter.PATH)])
class ThemeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ThemeSerializer
    queryset = Theme.objects.all()
    lookup_field = "slug"
    pagination_class = None


class LicenceViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = LicenceSerializer
    queryset = Licence.objects.all()
    lookup_field = "slug"
    pagination_class = None
