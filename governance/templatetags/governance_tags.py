from django import template

from governance.views.common import STATUS_TAGS

register = template.Library()


@register.filter
def status_tag(status: str) -> str:
    """The GOV.UK tag colour class for a request or grant status."""
    return STATUS_TAGS.get(status, "govuk-tag--grey")
