"""The in-app inbox and the emails that mirror it."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from catalogue.models import Membership, Organisation
from governance.models import AccessRequest, Grant, Notification


def notification_create(
    *,
    user: AbstractBaseUser,
    kind: str,
    subject: str,
    body: str,
    url: str = "",
    access_request: AccessRequest | None = None,
    grant: Grant | None = None,
) -> Notification:
    """Put a message in the user's inbox and email it once the transaction commits."""
    from governance.tasks import notification_email_task  # tasks import services

    notification = Notification.objects.create(
        user=user,
        kind=kind,
        subject=subject,
        body=body,
        url=url,
        access_request=access_request,
        grant=grant,
    )
    if user.email:
        notification_email_task.delay_on_commit(notification.pk)
    return notification


def notify_role_holders(
    *, organisation: Organisation, roles: list[str], exclude: AbstractBaseUser | None, **message
) -> list[Notification]:
    users = {
        m.user
        for m in Membership.objects.filter(
            organisation=organisation, role__in=roles
        ).select_related("user")
        if m.user.is_active and (exclude is None or m.user.pk != exclude.pk)
    }
    return [notification_create(user=u, **message) for u in sorted(users, key=lambda u: u.username)]


@transaction.atomic
def notification_send_email(*, notification_id: int) -> bool:
    """Email one notification; True when sent now, False when it was sent already."""
    notification = (
        Notification.objects.select_for_update().select_related("user").get(pk=notification_id)
    )
    if notification.emailed_at is not None or not notification.user.email:
        return False
    link = f"\n\n{settings.SITE_URL}{notification.url}" if notification.url else ""
    send_mail(
        subject=f"[{settings.SERVICE_NAME}] {notification.subject}",
        message=notification.body + link,
        from_email=None,
        recipient_list=[notification.user.email],
    )
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at"])
    return True


@transaction.atomic
def notification_mark_read(*, user: AbstractBaseUser, notification: Notification) -> Notification:
    if notification.user_id != user.pk:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("That message is not yours.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
