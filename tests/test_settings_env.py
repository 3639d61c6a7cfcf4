"""Settings read from the environment refuse values they cannot read, instead of guessing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHOW = "import marketplace.settings as s; print(s.DEBUG, s.HARVEST_TIMEOUT)"


def _start(tmp_path, **env) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with `env` added (settings read it once)."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import marketplace.settings as s; print(s.DEBUG, s.HARVEST_TIMEOUT)",
        ],
        cwd=ROOT,
        env={**os.environ, "MARKETPLACE_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("value", ["ture", "enabled", "2"])
def test_a_mistyped_boolean_stops_start_up_with_its_name(tmp_path, value):
    result = _start(tmp_path, DJANGO_DEBUG=value)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"DJANGO_DEBUG={value!r} is not a yes/no value" in result.stderr


@pytest.mark.parametrize(("value", "shown"), [("yes", "True"), ("OFF", "False"), ("", "False")])
def test_booleans_read_yes_no_words_and_empty_means_the_default(tmp_path, value, shown):
    result = _start(tmp_path, DJANGO_DEBUG=value)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == shown


def test_a_number_that_is_not_one_stops_start_up(tmp_path):
    result = _start(tmp_path, HARVEST_TIMEOUT="30s", HARVEST_BATCH_SIZE="500")
    assert result.returncode != 0
    assert "HARVEST_TIMEOUT='30s' is not a number." in result.stderr
    ok = _start(tmp_path, HARVEST_TIMEOUT="12.5")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.split()[1] == "12.5"
