"""Server-rendered pages. They read through the same selectors as the API."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from catalogue.selectors import dataset_list, dataset_lookup
from catalogue.vocabularies import DatasetStatus


def home(request: HttpRequest) -> HttpResponse:
    return dataset_search(request)


def dataset_search(request: HttpRequest) -> HttpResponse:
    datasets = (
        dataset_list(user=request.user).filter(status=DatasetStatus.PUBLISHED).order_by("title")
    )
    page = Paginator(datasets, 50).get_page(request.GET.get("page"))
    return render(request, "catalogue/dataset_list.html", {"page": page})


def dataset_detail(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = dataset_lookup(user=request.user, key=slug)
    if dataset is None:
        raise Http404("No dataset here, or not one you may see.")
    return render(request, "catalogue/dataset_detail.html", {"dataset": dataset})
