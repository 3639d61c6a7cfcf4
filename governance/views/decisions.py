"""The governance officer's side: the queue, the decision page, grants and their revocation."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from governance import questions as q
from governance import rules, selectors, services
from governance.errors import RequestTransitionError
from governance.permissions import deciding_organisations
from governance.vocabularies import RequestStatus, StepStatus

from .common import error_messages, flash_errors, visible_request


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser and not deciding_organisations(request.user):
        raise PermissionDenied("The queue is for publishers and governance officers.")
    now = timezone.now()
    rows = []
    for access_request in selectors.access_request_queue(user=request.user):
        waiting = (now - access_request.submitted_at).days if access_request.submitted_at else 0
        rows.append(
            {
                "request": access_request,
                "waiting_days": waiting,
                "overdue": waiting > settings.GOVERNANCE_SLA_DAYS,
            }
        )
    decided = None
    if request.GET.get("show") == "decided":
        decided = Paginator(selectors.access_request_decided(user=request.user), 50).get_page(
            request.GET.get("page")
        )
    return render(
        request,
        "governance/queue.html",
        {"rows": rows, "sla_days": settings.GOVERNANCE_SLA_DAYS,
         "overdue_count": sum(r["overdue"] for r in rows), "decided": decided},
    )  # fmt: skip


def _answers(access_request) -> list[dict]:
    policy = rules.resolve_policy(access_request.dataset)
    return [
        {"question": question, "value": q.display_value(access_request, question)}
        for question in q.applicable_questions(policy, access_request)
    ]


@login_required
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    access_request = visible_request(request, pk)
    if access_request.requester_id == request.user.pk and not request.user.is_superuser:
        return redirect("governance:request-detail", pk=pk)
    steps = access_request.steps.filter(round=access_request.round).select_related("decided_by")
    current = next((s for s in steps if s.status == StepStatus.PENDING), None)
    return render(
        request,
        "governance/decision.html",
        {"access_request": access_request, "answers": _answers(access_request),
         "steps": steps, "current_step": current,
         "history": selectors.access_request_history(access_request=access_request),
         "errors": {}},
    )  # fmt: skip


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    access_request = visible_request(request, pk)
    choice = request.POST.get("decision", "")
    reason = request.POST.get("reason", "").strip()
    actions = {
        "start-review": lambda: services.access_request_start_review(
            actor=request.user, access_request=access_request
        ),
        "approve": lambda: services.access_request_approve(
            actor=request.user, access_request=access_request, comment=reason
        ),
        "reject": lambda: services.access_request_reject(
            actor=request.user, access_request=access_request, reason=reason
        ),
        "return": lambda: services.access_request_return(
            actor=request.user, access_request=access_request, reason=reason
        ),
    }
    errors: dict[str, str] = {}
    if choice not in actions:
        errors["decision"] = "Select whether to approve, reject or return the request."
    else:
        try:
            decided = actions[choice]()
        except ValidationError as error:
            errors["reason"] = " ".join(error_messages(error))
        except RequestTransitionError as error:
            flash_errors(request, error)
            return redirect("governance:decision", pk=pk)
        else:
            messages.success(
                request,
                f"Request {decided.reference} is now {decided.get_status_display().lower()}.",
            )
            if decided.status == RequestStatus.IN_REVIEW and choice == "start-review":
                return redirect("governance:decision", pk=pk)
            return redirect("governance:queue")
    steps = access_request.steps.filter(round=access_request.round).select_related("decided_by")
    return render(
        request,
        "governance/decision.html",
        {"access_request": access_request, "answers": _answers(access_request), "steps": steps,
         "current_step": next((s for s in steps if s.status == StepStatus.PENDING), None),
         "history": selectors.access_request_history(access_request=access_request),
         "errors": errors, "chosen": choice, "reason": reason},
        status=400,
    )  # fmt: skip


@login_required
def grants(request: HttpRequest) -> HttpResponse:
    rows = selectors.grant_list(user=request.user)
    own = [g for g in rows if g.user_id == request.user.pk]
    others = [g for g in rows if g.user_id != request.user.pk]
    return render(
        request,
        "governance/grants.html",
        {"own": own, "others": others},
    )


@login_required
@require_http_methods(["GET", "POST"])
def grant_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant = selectors.grant_list(user=request.user).filter(pk=pk).first()
    if grant is None:
        raise Http404("No grant here, or not one you may see.")
    error = ""
    if request.method == "POST":
        try:
            services.grant_revoke(
                actor=request.user, grant=grant, reason=request.POST.get("reason", "")
            )
        except ValidationError as exc:
            error = " ".join(error_messages(exc))
        except RequestTransitionError as exc:
            flash_errors(request, exc)
            return redirect("governance:grants")
        else:
            messages.success(request, f"Access of {grant.user} to {grant.dataset} revoked.")
            return redirect("governance:grants")
    return render(
        request,
        "governance/grant_revoke.html",
        {"grant": grant, "error": error},
        status=400 if error else 200,
    )
