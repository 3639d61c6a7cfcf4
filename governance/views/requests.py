"""The requester's journey: start a request, answer one question per page, check and send."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from catalogue.models import Membership
from catalogue.selectors import dataset_lookup
from governance import questions as q
from governance import rules, selectors, services
from governance.errors import RequestTransitionError
from governance.models import AccessRequest
from governance.vocabularies import EDITABLE_STATUSES, OPEN_STATUSES

from .common import error_messages, flash_errors, visible_request


def _own_request(request: HttpRequest, pk: int) -> AccessRequest:
    access_request = visible_request(request, pk)
    if access_request.requester_id != request.user.pk:
        raise Http404("No request here, or not one you may see.")
    return access_request


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    rows = selectors.access_request_list(user=request.user).filter(requester=request.user)
    return render(request, "governance/my_requests.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    key = request.POST.get("dataset") or request.GET.get("dataset", "")
    dataset = dataset_lookup(user=request.user, key=key) if key else None
    if dataset is None:
        raise Http404("No dataset here, or not one you may see.")
    organisations = list(
        dict.fromkeys(
            m.organisation
            for m in Membership.objects.filter(user=request.user).select_related("organisation")
        )
    )
    route = rules.check_route(rules.resolve_policy(dataset))
    errors: list[str] = [] if route.passed else [route.reason]
    if request.method == "POST" and route.passed:
        chosen = request.POST.get("requesting_organisation", "")
        organisation = next((o for o in organisations if o.slug == chosen), None)
        if organisations and organisation is None:
            errors = ["Select the organisation you are asking for."]
        else:
            try:
                access_request = services.access_request_create(
                    requester=request.user, dataset=dataset, requesting_organisation=organisation
                )
            except ValidationError as error:
                errors = error_messages(error)
            except PermissionDenied as error:  # the policy's eligibility rules say no
                errors = [str(error)]
            else:
                return redirect("governance:request-detail", pk=access_request.pk)
    mine = selectors.access_request_list(user=request.user).filter(
        requester=request.user, dataset=dataset
    )
    return render(
        request,
        "governance/request_new.html",
        {"dataset": dataset, "organisations": organisations, "errors": errors,
         "can_request": route.passed, "open_requests": mine.filter(status__in=OPEN_STATUSES),
         "grant": selectors.grant_list(user=request.user)
         .filter(user=request.user, dataset=dataset, in_force=True).first()},
        status=400 if errors else 200,
    )  # fmt: skip


def _sections(policy, access_request: AccessRequest) -> list[dict]:
    asked = q.applicable_questions(policy, access_request)
    sections = []
    for key, title in q.SECTIONS:
        items = [
            {
                "question": question,
                "answered": q.answered(access_request, question),
                "required": q.is_required(policy, question),
                "value": q.display_value(access_request, question),
            }
            for question in asked
            if question.section == key
        ]
        missing = [i for i in items if i["required"] and not i["answered"]]
        if not missing:
            state = "Completed"
        elif any(i["answered"] for i in items):
            state = "In progress"
        else:
            state = "Not yet started"
        first = next((i for i in items if not i["answered"]), items[0])
        sections.append(
            {"key": key, "title": title, "items": items, "status": state, "first": first}
        )
    return sections


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access_request = _own_request(request, pk)
    policy = rules.resolve_policy(access_request.dataset)
    sections = _sections(policy, access_request)
    context = {
        "access_request": access_request,
        "sections": sections,
        "editable": access_request.status in EDITABLE_STATUSES,
        "can_cancel": access_request.status in OPEN_STATUSES,
        "all_complete": all(s["status"] == "Completed" for s in sections),
        "history": selectors.access_request_history(access_request=access_request),
        "grant": getattr(access_request, "grant", None),
    }
    return render(request, "governance/request_detail.html", context)


def _next_url(policy, access_request: AccessRequest, question: q.Question) -> str:
    asked = [
        x for x in q.applicable_questions(policy, access_request) if x.section == question.section
    ]
    names = [x.name for x in asked]
    if question.name in names and names.index(question.name) + 1 < len(names):
        following = asked[names.index(question.name) + 1]
        return reverse("governance:request-question", args=[access_request.pk, following.name])
    return reverse("governance:request-detail", args=[access_request.pk])


@login_required
@require_http_methods(["GET", "POST"])
def request_question(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    access_request = _own_request(request, pk)
    question = q.BY_NAME.get(name)
    policy = rules.resolve_policy(access_request.dataset)
    if question is None or question not in q.applicable_questions(policy, access_request):
        raise Http404("No such question for this request.")
    if access_request.status not in EDITABLE_STATUSES:
        return redirect("governance:request-detail", pk=pk)
    required = q.is_required(policy, question)
    form = q.question_form(
        question,
        required=required,
        data=request.POST if request.method == "POST" else None,
        initial=q.initial_for(question, access_request),
    )
    if request.method == "POST" and form.is_valid():
        value = q.to_model_value(question, form.cleaned_data.get("answer"))
        try:
            access_request = services.access_request_update(
                actor=request.user, access_request=access_request, answers={name: value}
            )
        except ValidationError as error:
            form.add_error(None, error_messages(error))
        except RequestTransitionError as error:
            flash_errors(request, error)
            return redirect("governance:request-detail", pk=pk)
        else:
            if request.POST.get("check"):
                return redirect("governance:request-check", pk=pk)
            return redirect(_next_url(policy, access_request, question))
    # The error summary links to the first input, as the GOV.UK error summary asks.
    if question.kind == "date":
        anchor = "answer-day"
    elif question.kind == "yesno":
        anchor = "answer-yes"
    elif question.kind == "radios":
        anchor = f"answer-{question.choices[0][0]}"
    else:
        anchor = "answer"
    return render(
        request,
        "governance/question.html",
        {"access_request": access_request, "question": question, "form": form,
         "error_anchor": anchor,
         "required": required, "back_to_check": bool(request.GET.get("check") or
                                                        request.POST.get("check"))},
        status=400 if form.is_bound and form.errors else 200,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def request_check(request: HttpRequest, pk: int) -> HttpResponse:
    access_request = _own_request(request, pk)
    if access_request.status not in EDITABLE_STATUSES:
        return redirect("governance:request-detail", pk=pk)
    policy = rules.resolve_policy(access_request.dataset)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        confirmed = [
            s for s in request.POST.getlist("confirmed") if s in policy.eligibility_statements
        ]
        if not request.POST.get("declaration"):
            errors["declaration"] = ["Confirm that the information you have given is correct."]
        else:
            try:
                access_request = services.access_request_update(
                    actor=request.user,
                    access_request=access_request,
                    answers={"confirmed_statements": confirmed},
                )
                access_request = services.access_request_submit(
                    actor=request.user, access_request=access_request
                )
            except ValidationError as error:
                errors = getattr(error, "message_dict", None) or {"__all__": error.messages}
            else:
                return redirect("governance:request-submitted", pk=pk)
    return render(
        request,
        "governance/check_answers.html",
        {"access_request": access_request, "sections": _sections(policy, access_request),
         "statements": policy.eligibility_statements, "errors": errors,
         "question_names": list(q.BY_NAME),
         "error_list": [m for ms in errors.values() for m in ms]},
        status=400 if errors else 200,
    )  # fmt: skip


@login_required
def request_submitted(request: HttpRequest, pk: int) -> HttpResponse:
    access_request = _own_request(request, pk)
    return render(request, "governance/submitted.html", {"access_request": access_request})


@login_required
@require_http_methods(["GET", "POST"])
def request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    access_request = _own_request(request, pk)
    if request.method == "POST":
        try:
            services.access_request_cancel(
                actor=request.user,
                access_request=access_request,
                comment=request.POST.get("comment", "").strip(),
            )
        except RequestTransitionError as error:
            flash_errors(request, error)
        return redirect("governance:request-detail", pk=pk)
    return render(request, "governance/cancel.html", {"access_request": access_request})
