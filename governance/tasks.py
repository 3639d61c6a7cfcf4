"""Governance background work: thin tasks that call one service each."""

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notification_email_task(notification_id: int) -> bool:
    from governance.services import notification_send_email

    return notification_send_email(notification_id=notification_id)


@shared_task
def grant_expire_due_task() -> int:
    from governance.services import grant_expire_due

    return grant_expire_due()


@shared_task
def grant_notify_expiring_task() -> int:
    from governance.services import grant_notify_expiring

    return grant_notify_expiring()
