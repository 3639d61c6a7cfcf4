"""Writing the append-only audit log. Every governance service calls audit_record."""

from contextvars import ContextVar

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from catalogue.models import Organisation
from governance.models import AuditEvent

# Set per HTTP request by governance.middleware.RequestIdMiddleware; empty for the beat.
current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")


def audit_record(
    *,
    actor: AbstractBaseUser | None,
    organisation: Organisation | None,
    verb: str,
    object_type: str,
    object_id: object,
    object_repr: str = "",
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    rule: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        at=timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_username=actor.get_username() if actor is not None else "system",
        organisation=organisation,
        verb=verb,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:300],
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        rule=rule,
        request_id=current_request_id.get(),
    )
