"""Issuing and revoking API tokens."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from .models import ApiToken, hash_token_key


@transaction.atomic
def api_token_issue(
    *, user: AbstractBaseUser, name: str = "", ttl: timedelta | None = None
) -> tuple[ApiToken, str]:
    """Create a token and return it with its key, which is never stored and never shown again."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=hash_token_key(key),
        prefix=key[:8],
        name=name,
        expires_at=timezone.now() + (ttl or settings.API_TOKEN_TTL),
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
