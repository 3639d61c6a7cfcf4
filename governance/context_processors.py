from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from governance.selectors import unread_count


def inbox(request: HttpRequest) -> dict:
    """`inbox_unread` for the header's inbox link; counted only when a template reads it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"inbox_unread": 0}
    return {"inbox_unread": SimpleLazyObject(lambda: unread_count(user=user))}
