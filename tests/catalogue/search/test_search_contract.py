"""Search backends are named by dotted path and reached only through their contract: a backend
defined outside the product's own packages serves writes, searches, the `searchindex` command
and the drain task with no change anywhere but the setting."""

from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from catalogue.search.backends import load_backend
from catalogue.search.base import SearchBackend
from catalogue.search.database import DatabaseBackend
from catalogue.search.tantivy import TantivyBackend
from catalogue.tasks import search_index_drain_task
from tests.factories import DatasetFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
RECORDING = f"{__name__}.RecordingBackend"


class RecordingBackend(DatabaseBackend):
    """The database's search, keeping a note of each call the contract receives."""

    calls: list[str] = []

    def index(self, ids):
        self.calls.append("index")
        super().index(ids)

    def search(self, **kwargs):
        self.calls.append("search")
        return super().search(**kwargs)

    def rebuild(self):
        self.calls.append("rebuild")
        return super().rebuild()

    def drain(self):
        self.calls.append("drain")
        return 7

    def status(self):
        return {"recorded calls": len(self.calls)}


@pytest.mark.parametrize(
    ("value", "backend_class"),
    [
        ("database", DatabaseBackend),
        ("tantivy", TantivyBackend),
        (" Tantivy ", TantivyBackend),  # deployments' short names, in any case
        ("catalogue.search.database.DatabaseBackend", DatabaseBackend),
    ],
)
def test_backends_are_named_by_dotted_path_or_by_their_short_name(value, backend_class):
    backend = load_backend(value)
    assert type(backend) is backend_class
    assert isinstance(backend, SearchBackend)


def test_a_backend_named_by_path_serves_every_search_interface(settings, api_client, org_a, capsys):
    settings.SEARCH_BACKEND = RECORDING
    RecordingBackend.calls.clear()
    DatasetFactory(publisher=org_a, title="Lighthouse keepers")
    found = api_client.get("/api/v1/datasets/", {"q": "lighthouse"}).json()["results"]
    assert [row["title"] for row in found] == ["Lighthouse keepers"]
    call_command("searchindex", "--rebuild")
    assert "Rebuilt the search index: 1 datasets." in capsys.readouterr().out
    assert search_index_drain_task.apply().get() == 7
    assert RecordingBackend.calls == ["index", "search", "rebuild", "drain"]
    call_command("searchindex")
    assert f"Search index ({RECORDING}): recorded calls: 4." in capsys.readouterr().out


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("elastic", "not an importable class"),
        ("catalogue.search.nowhere.Backend", "not an importable class"),
        ("collections.OrderedDict", "does not implement catalogue.search.base.SearchBackend"),
    ],
)
def test_a_setting_naming_no_backend_is_refused_with_a_clear_error(settings, value, reason):
    settings.SEARCH_BACKEND = value
    with pytest.raises(ImproperlyConfigured, match=reason):
        load_backend()
    errors = [e for e in run_checks() if e.id == "catalogue.E001"]
    assert len(errors) == 1
    assert value in errors[0].msg and reason in errors[0].msg
    assert "dotted path" in errors[0].hint


def test_no_code_outside_a_backend_branches_on_the_backend_name():
    """Adding a backend needs its own package and the setting, nothing else."""
    allowed = {ROOT / "catalogue" / "search" / "backends.py"}  # the shipped two's short names
    offenders = []
    for package in ["accounts", "catalogue", "governance", "marketplace"]:
        for path in (ROOT / package).rglob("*.py"):
            if path in allowed or (ROOT / "catalogue" / "search" / "tantivy") in path.parents:
                continue
            text = path.read_text()
            if "SEARCH_BACKEND ==" in text or "SEARCH_BACKEND !=" in text or '"tantivy"' in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_removed_datasets_leave_the_index_on_every_backend(search_backend, org_a):
    from catalogue.models import Dataset
    from catalogue.search import remove_datasets
    from catalogue.search.backends import get_backend

    kept = DatasetFactory(publisher=org_a, title="Tide tables")
    gone = DatasetFactory(publisher=org_a, title="Lighthouse keepers")
    backend = get_backend()
    assert backend.status()["documents"] == 2
    Dataset.objects.filter(pk=gone.pk).delete()  # a bulk delete, which indexes nothing
    remove_datasets([gone.pk])
    assert backend.status()["documents"] == 1
    assert [d.pk for d in Dataset.objects.search(gone.title)] == []
    assert [d.pk for d in Dataset.objects.search(kept.title)] == [kept.pk]
