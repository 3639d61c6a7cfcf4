"""SITE_URL defaults to the address `make run` serves, so feed links work on a laptop."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _settings(**env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")}
    environ.update(env, DJANGO_SETTINGS_MODULE="marketplace.settings")
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"PORT": "8123"}, "http://127.0.0.1:8123"),
        (
            {"PORT": "8123", "SITE_URL": "https://data.example.gov.uk/"},
            "https://data.example.gov.uk",
        ),
    ],
)
def test_site_url_defaults_to_the_address_make_run_serves(env, expected):
    result = _settings(**env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.parametrize("port", ["eighty", "0", "70000"])
def test_a_port_that_is_not_a_port_stops_start_up_with_a_clear_message(port):
    result = _settings(PORT=port)
    assert result.returncode != 0
    assert "PORT=" in result.stderr and "ImproperlyConfigured" in result.stderr


def test_make_run_passes_its_port_to_every_command():
    run = (ROOT / "Makefile").read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
    commands = [line for line in run.splitlines() if line.startswith("\t")]
    assert commands and all("PORT=$(PORT)" in line for line in commands)
    assert "runserver --noreload 127.0.0.1:$(PORT)" in run
