"""Publisher pages: thin views over the dataset services, with the quality score beside the form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from catalogue import quality, services
from catalogue.errors import TransitionError
from catalogue.forms import DatasetForm
from catalogue.models import Dataset, Licence, Organisation
from catalogue.permissions import organisations_where
from catalogue.selectors import dataset_assessment, dataset_lookup
from catalogue.vocabularies import Role

EDITORS = [Role.PUBLISHER]


def _organisations(request: HttpRequest):
    return Organisation.objects.filter(pk__in=organisations_where(request.user, EDITORS))


def _editable(request: HttpRequest, pk: str) -> Dataset:
    dataset = dataset_lookup(user=request.user, key=pk)
    if dataset is None:
        raise Http404("No dataset here, or not one you may see.")
    if not _organisations(request).filter(pk=dataset.publisher_id).exists():
        raise PermissionDenied(
            f"Only a publisher of {dataset.publisher.title} can edit this dataset."
        )
    return dataset


def _report(score: int, rating: str, checks: list[quality.Check]) -> dict:
    return {
        "score": score,
        "max": quality.MAX_SCORE,
        "rating": rating,
        "rating_label": quality.RATING_LABELS[rating],
        "improvements": [
            {"indicator": c.indicator, "points": c.points, "fix": c.fix}
            for c in quality.improvements(checks)
        ],
    }


def _single_valued(dataset: Dataset | None) -> bool:
    """The form edits one distribution and one contact; richer records are edited by API."""
    return dataset is None or (
        dataset.distributions.count() <= 1 and dataset.contact_points.count() <= 1
    )


@login_required
def publish_home(request: HttpRequest) -> HttpResponse:
    organisations = _organisations(request)
    datasets = (
        Dataset.objects.visible_to(request.user)
        .filter(publisher__in=organisations)
        .select_related("publisher")
        .order_by("-metadata_modified")
    )
    status = request.GET.get("status")
    if status in Dataset.Status.values:
        datasets = datasets.filter(status=status)
    return render(request, "publishing/home.html", {
        "organisations": organisations, "datasets": datasets[:200], "status": status,
        "statuses": Dataset.Status.choices,
    })  # fmt: skip


@login_required
def dataset_new(request: HttpRequest) -> HttpResponse:
    organisations = _organisations(request)
    if not organisations.exists():
        raise PermissionDenied("You need the publisher role in an organisation to publish data.")
    form = DatasetForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            dataset = services.dataset_create(
                actor=request.user, publisher=data.pop("publisher"), data=data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"“{dataset.title}” was saved as a draft.")
            return redirect("publishing:edit", pk=dataset.pk)
    return render(request, "publishing/form.html", {"form": form, "dataset": None, "single": True})


@login_required
def dataset_edit(request: HttpRequest, pk: str) -> HttpResponse:
    dataset = _editable(request, pk)
    single = _single_valued(dataset)
    form = DatasetForm(
        request.POST or None,
        initial=DatasetForm.initial_for(dataset),
        organisations=_organisations(request),
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if not single:
            data.pop("distribution"), data.pop("contact_point")
        try:
            services.dataset_update(actor=request.user, dataset=dataset, data=data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Your changes were saved.")
            return redirect("publishing:edit", pk=dataset.pk)
    assessment = _report(*dataset_assessment(dataset=dataset))
    return render(request, "publishing/form.html", {
        "form": form, "dataset": dataset, "single": single, "assessment": assessment,
    })  # fmt: skip


def _transition(request: HttpRequest, pk: str, service, done: str) -> HttpResponse:
    dataset = _editable(request, pk)
    try:
        service(actor=request.user, dataset=dataset, comment=request.POST.get("comment", "")[:500])
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"“{dataset.title}” was {done}.")
    return redirect("publishing:edit", pk=dataset.pk)


@login_required
@require_POST
def dataset_publish(request: HttpRequest, pk: str) -> HttpResponse:
    return _transition(request, pk, services.dataset_publish, "published")


@login_required
@require_POST
def dataset_withdraw(request: HttpRequest, pk: str) -> HttpResponse:
    return _transition(request, pk, services.dataset_withdraw, "withdrawn")


@login_required
@require_POST
def quality_preview(request: HttpRequest) -> JsonResponse:
    """The score the form's current contents would get, for the live panel beside the form."""
    form = DatasetForm(request.POST, organisations=_organisations(request))
    form.is_valid()  # partial forms are scored as far as they go
    data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "", [])}
    data.update({k: request.POST.get(k, "") for k in ("title", "description", "spatial")})
    data["keyword"] = [k for k in request.POST.get("keyword", "").split(",") if k.strip()]
    data["theme"] = request.POST.getlist("theme")
    data["contact_point"] = [{"email": e} for e in [request.POST.get("contact_email", "")] if e]
    url = request.POST.get("distribution_url", "")
    data["distribution"] = (
        [{"download_url": url, "format": request.POST.get("distribution_format", "")}]
        if url
        else []
    )
    data["publisher"] = bool(request.POST.get("publisher"))
    known = set(Licence.objects.values_list("uri", flat=True))
    return JsonResponse(_report(*quality.assess(data, known)))
