from django.urls import path

from governance.views import decisions, pages, requests

app_name = "governance"

urlpatterns = [
    path("requests/", requests.my_requests, name="my-requests"),
    path("requests/new/", requests.request_new, name="request-new"),
    path("requests/<int:pk>/", requests.request_detail, name="request-detail"),
    path(
        "requests/<int:pk>/questions/<slug:name>/",
        requests.request_question,
        name="request-question",
    ),
    path("requests/<int:pk>/check/", requests.request_check, name="request-check"),
    path("requests/<int:pk>/submitted/", requests.request_submitted, name="request-submitted"),
    path("requests/<int:pk>/cancel/", requests.request_cancel, name="request-cancel"),
    path("governance/queue/", decisions.queue, name="queue"),
    path("governance/requests/<int:pk>/", decisions.decision, name="decision"),
    path("governance/requests/<int:pk>/decide/", decisions.decide, name="decide"),
    path("grants/", decisions.grants, name="grants"),
    path("grants/<int:pk>/revoke/", decisions.grant_revoke, name="grant-revoke"),
    path("register/", pages.register, name="register"),
    path("dashboards/", pages.dashboards, name="dashboards"),
    path("inbox/", pages.inbox, name="inbox"),
    path("inbox/read/", pages.inbox_mark_read, name="inbox-read"),
]
