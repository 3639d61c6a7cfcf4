"""Pages anyone may read (the transparency register, dashboards) and each user's inbox."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from governance import selectors
from governance.dashboards import catalogue_figures, organisation_figures


def register(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.register_entries(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "governance/register.html", {"page": page})


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.inbox(user=request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "governance/inbox.html",
        {"page": page, "unread": selectors.unread_count(user=request.user)},
    )


@login_required
@require_POST
def inbox_mark_read(request: HttpRequest) -> HttpResponse:
    selectors.inbox(user=request.user).unread().update(read_at=timezone.now())
    return redirect("governance:inbox")


def dashboards(request: HttpRequest) -> HttpResponse:
    """How the catalogue and the access loop are doing; more for members of organisations."""
    return render(
        request,
        "governance/dashboards.html",
        {
            "catalogue": catalogue_figures(user=request.user),
            "organisations": organisation_figures(user=request.user),
            "sla_days": settings.GOVERNANCE_SLA_DAYS,
        },
    )
