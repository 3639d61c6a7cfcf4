from rest_framework import permissions


class ReadOnlyOrAuthenticated(permissions.BasePermission):
    """Anyone may read; writing needs a signed-in user (the service then checks the role)."""

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or bool(
            request.user and request.user.is_authenticated
        )
