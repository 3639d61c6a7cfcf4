from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from governance import selectors
from governance.models import AccessRequest

STATUS_TAGS = {
    "Draft": "govuk-tag--grey",
    "Submitted": "govuk-tag--blue",
    "InReview": "govuk-tag--light-blue",
    "Accepted": "govuk-tag--green",
    "Rejected": "govuk-tag--red",
    "Returned": "govuk-tag--orange",
    "Cancelled": "govuk-tag--grey",
    "active": "govuk-tag--green",
    "expired": "govuk-tag--grey",
    "revoked": "govuk-tag--red",
}


def visible_request(request: HttpRequest, pk: int) -> AccessRequest:
    """A request the user may see (their own, or their organisation's); 404 otherwise."""
    access_request = selectors.access_request_list(user=request.user).filter(pk=pk).first()
    if access_request is None:
        raise Http404("No request here, or not one you may see.")
    return access_request


def error_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for messages_ in error.message_dict.values() for m in messages_]
    return list(error.messages)


def flash_errors(request: HttpRequest, error: Exception) -> None:
    texts = error_messages(error) if isinstance(error, ValidationError) else [str(error)]
    for text in texts:
        messages.error(request, text)
