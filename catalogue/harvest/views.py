"""Harvest pages: sources of the user's organisations, a source with its runs, a job report."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from catalogue.harvest.services.run import harvest_job_request
from catalogue.harvest.services.sources import harvest_source_create
from catalogue.harvest.types import source_type_choices, unknown_source_type_message
from catalogue.models import Organisation
from catalogue.permissions import has_role, organisations_where
from catalogue.selectors import harvest_job_list, harvest_source_list
from catalogue.vocabularies import Role


class HarvestSourceForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none())
    title = forms.CharField(max_length=200)
    url = forms.CharField(label="Catalogue address (URL)", max_length=2000)
    source_type = forms.ChoiceField(
        label="Type",
        choices=source_type_choices,
        error_messages={"invalid_choice": unknown_source_type_message("%(value)s")},
    )
    schedule = forms.CharField(
        initial="daily",
        max_length=20,
        help_text="manual, hourly, daily, weekly, or an interval such as 30m, 6h or 2d",
    )
    token = forms.CharField(
        label="API token",
        required=False,
        widget=forms.PasswordInput,
        help_text="Sent only to the catalogue's own address; never shown again.",
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


def _publishing_for(request: HttpRequest):
    return Organisation.objects.filter(pk__in=organisations_where(request.user, [Role.PUBLISHER]))


@login_required
def harvest_sources(request: HttpRequest) -> HttpResponse:
    organisations = _publishing_for(request)
    form = HarvestSourceForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        token = data.pop("token")
        try:
            source = harvest_source_create(
                actor=request.user, credentials={"token": token} if token else {}, **data
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Harvest source “{source.title}” added.")
            return redirect("catalogue:harvest-source", pk=source.pk)
    sources = harvest_source_list(user=request.user)
    rows = [(s, s.jobs.order_by("-queued_at", "-id").first()) for s in sources]
    return render(
        request,
        "catalogue/harvest/source_list.html",
        {"rows": rows, "form": form if organisations.exists() else None},
    )


@login_required
def harvest_source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = harvest_source_list(user=request.user).filter(pk=pk).first()
    if source is None:
        raise Http404("No harvest source here, or not one you may see.")
    return render(
        request,
        "catalogue/harvest/source_detail.html",
        {
            "source": source,
            "jobs": source.jobs.all()[:50],
            "can_run": has_role(request.user, source.organisation, [Role.PUBLISHER]),
            "dataset_count": source.datasets.count(),
        },
    )


@login_required
@require_POST
def harvest_source_run_view(request: HttpRequest, pk: int) -> HttpResponse:
    source = harvest_source_list(user=request.user).filter(pk=pk).first()
    if source is None:
        raise Http404("No harvest source here, or not one you may see.")
    job, created = harvest_job_request(source=source, actor=request.user)  # publishers only
    if created:
        messages.success(request, "The run is queued.")
    else:
        messages.info(request, "A run of this source is already queued or running.")
    return redirect("catalogue:harvest-job", pk=job.pk)


@login_required
def harvest_job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = harvest_job_list(user=request.user).filter(pk=pk).first()
    if job is None:
        raise Http404("No harvest job here, or not one you may see.")
    return render(
        request,
        "catalogue/harvest/job_detail.html",
        {
            "job": job,
            "errors": job.issues.filter(level="error")[:500],
            "warnings": job.issues.filter(level="warning")[:500],
        },
    )
