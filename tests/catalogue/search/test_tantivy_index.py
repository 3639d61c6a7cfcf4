"""The tantivy backend's own machinery: the outbox and its drain, the one writer, the rebuild
command, a lagging index that never shows a hidden row, bad input, and a real Celery worker
keeping the index in step on the PostgreSQL + broker run."""

import datetime as dt
import threading
import time

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from catalogue import services
from catalogue.models import Dataset, SearchOutbox
from catalogue.search import index_datasets, tantivy
from catalogue.search.tantivy import index as tantivy_index
from catalogue.search.tantivy.text import parse
from tests.conftest import client_for
from tests.factories import DatasetFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine(settings, tmp_path):
    """tantivy with its own index; drains run only when a test asks (as with a broker)."""
    settings.SEARCH_BACKEND = "tantivy"
    settings.SEARCH_INDEX_DIR = tmp_path / "search-index"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    tantivy.forget_handles()
    yield settings
    tantivy.forget_handles()


@pytest.fixture
def queued(engine):
    """Writes leave their outbox rows for a later drain, as a web process with a broker does."""
    engine.CELERY_TASK_ALWAYS_EAGER = False
    return engine


def indexed_ids() -> set[str]:
    searcher = tantivy_index.searcher()
    hits = searcher.search(tantivy_index.tantivy.Query.all_query(), limit=10_000).hits
    return {str(pk) for pk in tantivy_index.ids_of(searcher, [a for _, a in hits])}


def test_writes_add_outbox_rows_that_the_drain_indexes_and_deletes(queued, org_a):
    first = DatasetFactory(publisher=org_a, title="Tide gauges")
    second = DatasetFactory(publisher=org_a, title="Wave heights")
    index_datasets([first.pk, second.pk])
    assert set(SearchOutbox.objects.values_list("dataset_id", flat=True)) == {first.pk, second.pk}
    assert indexed_ids() == set()
    assert tantivy.drain() == 4  # the factory's rows and this call's
    assert SearchOutbox.objects.count() == 0
    assert indexed_ids() == {str(first.pk), str(second.pk)}
    assert tantivy.status() == {"documents": 2, "outbox": 0}


def test_with_a_broker_the_drain_is_queued_for_the_commit(
    queued, org_a, monkeypatch, django_capture_on_commit_callbacks
):
    from catalogue import tasks

    sent = []
    monkeypatch.setattr(tasks.search_index_drain_task, "delay", lambda: sent.append(1))
    dataset = DatasetFactory(publisher=org_a, title="Ferry routes")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        index_datasets([dataset.pk])
    assert sent == []  # nothing is sent before the commit
    for callback in callbacks:
        callback()
    assert sent == [1]
    assert SearchOutbox.objects.filter(dataset_id=dataset.pk).exists()


def test_a_deleted_dataset_leaves_the_index(engine, org_a):
    kept = DatasetFactory(publisher=org_a, title="Lighthouses")
    gone = DatasetFactory(publisher=org_a, title="Lightships")
    assert indexed_ids() == {str(kept.pk), str(gone.pk)}
    pk = gone.pk
    gone.delete()
    index_datasets([pk])
    assert indexed_ids() == {str(kept.pk)}
    assert SearchOutbox.objects.count() == 0


def test_a_change_queued_while_a_drain_runs_is_not_stranded(queued, org_a, monkeypatch):
    first = DatasetFactory(publisher=org_a, title="Canal locks")
    late = DatasetFactory(publisher=org_a, title="Canal bridges")
    SearchOutbox.objects.all().delete()
    index_datasets([first.pk])
    write = tantivy_index.write
    calls = []

    def write_and_meanwhile_queue_another(writer, ids):
        calls.append(ids)
        if len(calls) == 1:
            SearchOutbox.objects.create(dataset_id=late.pk)  # committed by another writer
        return write(writer, ids)

    monkeypatch.setattr(tantivy_index, "write", write_and_meanwhile_queue_another)
    assert tantivy.drain(batch=1) == 2
    assert len(calls) == 2
    assert SearchOutbox.objects.count() == 0
    assert indexed_ids() == {str(first.pk), str(late.pk)}


def test_a_drain_waits_for_the_writer_and_leaves_the_outbox_intact_when_it_gives_up(queued, org_a):
    dataset = DatasetFactory(publisher=org_a, title="Reservoir levels")
    with tantivy_index.writer_lock(1), pytest.raises(tantivy.IndexBusy):
        tantivy.drain(timeout=0.2)
    assert SearchOutbox.objects.filter(dataset_id=dataset.pk).exists()
    tantivy.drain()
    assert indexed_ids() == {str(dataset.pk)}


@pytest.mark.django_db(transaction=True)
def test_two_drains_at_once_take_turns_and_lose_nothing(queued, org_a, monkeypatch):
    from catalogue import tasks

    # Writes here commit at once; the drains under test are the only ones.
    monkeypatch.setattr(tasks.search_index_drain_task, "delay", lambda: None)
    datasets = [DatasetFactory(publisher=org_a, title=f"Weather station {i}") for i in range(30)]
    results, errors = [], []

    def run():
        try:
            results.append(tantivy.drain(batch=7))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    with tantivy_index.writer_lock(1):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        time.sleep(0.3)
        assert SearchOutbox.objects.count() == 30  # both wait for the writer
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sorted(results) == [0, 30]
    assert SearchOutbox.objects.count() == 0
    assert indexed_ids() == {str(d.pk) for d in datasets}
    assert tantivy_index.searcher().num_docs == 30  # each once


def test_a_lagging_index_never_shows_a_row_the_viewer_may_not_see(engine, org_a, api_client):
    dataset = DatasetFactory(publisher=org_a, title="Harbour dredging")
    Dataset.objects.filter(pk=dataset.pk).update(metadata_visibility="ORGANISATION")
    body = api_client.get("/api/v1/datasets/", {"q": "dredging"}).json()
    assert body["results"] == []
    page = Client().get("/datasets/?q=dredging").content.decode()
    assert "Harbour dredging" not in page
    index_datasets([dataset.pk])
    assert api_client.get("/api/v1/datasets/", {"q": "dredging"}).json()["count"] == 0


@pytest.mark.parametrize(
    "text",
    [
        "a" * 5000,
        " ".join(["flood"] * 300),
        '"""',
        '-"',
        "or or or",
        "-flood",
        "flood -flood",
        "🌊 ∑ 洪水",
        "field:value AND NOT (x",
        "~2 flood~ fl*d",
    ],
)
def test_hostile_query_strings_are_answered_not_errors(engine, org_a, api_client, text):
    DatasetFactory(publisher=org_a, title="Flood warnings")
    response = api_client.get("/api/v1/datasets/", {"q": text})
    assert response.status_code == 200
    assert isinstance(response.json()["count"], int)


def test_a_null_character_in_the_text_is_a_400_with_a_message(engine, org_a, api_client):
    DatasetFactory(publisher=org_a, title="Flood warnings")
    response = api_client.get("/api/v1/datasets/", {"q": "flood\x00"})
    assert response.status_code == 400
    assert response.json()["q"][0]
    assert Dataset.objects.count() == 1


def test_text_parsing_follows_web_search_syntax():
    parsed = parse('"road traffic" -lights buses or trains')
    assert [[t.tokens for t in group] for group in parsed.positive] == [
        [["road", "traffic"]],
        [["buse"], ["train"]],
    ]
    assert [t.tokens for t in parsed.negative] == [["light"]]
    assert parse("- * ()").positive == []


def test_an_unknown_search_backend_is_refused_at_startup(settings):
    settings.SEARCH_BACKEND = "elastic"
    errors = [e for e in run_checks() if e.id == "catalogue.E001"]
    assert len(errors) == 1
    assert "elastic" in errors[0].msg
    assert "database, tantivy" in errors[0].hint


def test_the_rebuild_command_rewrites_the_index_from_the_database(engine, org_a, capsys):
    dataset = DatasetFactory(publisher=org_a, title="Tidal gauges")
    Dataset.objects.filter(pk=dataset.pk).update(title="Wave buoys")  # bypasses the outbox
    SearchOutbox.objects.create(dataset_id=dataset.pk)
    call_command("searchindex", "--rebuild")
    out = capsys.readouterr().out
    assert "Rebuilt the search index: 1 datasets." in out
    assert "documents: 1, outbox: 0." in out
    found = Client().get("/api/v1/datasets/", {"q": "buoys"}).json()["results"]
    assert [row["title"] for row in found] == ["Wave buoys"]
    call_command("searchindex", "--drain")
    assert "Drained the waiting changes: 0 indexed." in capsys.readouterr().out


def test_the_drain_task_is_a_no_op_on_the_database_backend(settings):
    from catalogue.tasks import search_index_drain_task

    settings.SEARCH_BACKEND = "database"
    assert search_index_drain_task.apply().get() == 0


def test_a_real_worker_drains_the_outbox_after_a_dataset_is_created(
    celery_workers, settings, tmp_path, roles, org_a
):
    index_dir = tmp_path / "worker-index"
    settings.SEARCH_BACKEND = "tantivy"
    settings.SEARCH_INDEX_DIR = index_dir
    tantivy.forget_handles()
    celery_workers("indexer", SEARCH_BACKEND="tantivy", SEARCH_INDEX_DIR=str(index_dir))
    dataset = services.dataset_create(
        actor=roles["publisher"], publisher=org_a, data={"title": "Seagrass meadows"}
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if not SearchOutbox.objects.exists() and str(dataset.pk) in indexed_ids():
            break
        time.sleep(0.2)
    assert SearchOutbox.objects.count() == 0
    assert indexed_ids() == {str(dataset.pk)}
    tantivy.forget_handles()


def test_an_active_grant_shows_an_organisation_only_dataset_in_search(engine, org_a):
    from tests.governance.factories import GrantFactory

    private = DatasetFactory(
        publisher=org_a, title="Prison capacity returns", metadata_visibility="ORGANISATION"
    )
    holder, outsider = UserFactory(username="holder"), UserFactory(username="outsider")
    grant = GrantFactory(access_request__dataset=private, access_request__requester=holder)
    for user, expected in [(holder, ["Prison capacity returns"]), (outsider, [])]:
        body = client_for(user).get("/api/v1/datasets/", {"q": "prison"}).json()
        assert [row["title"] for row in body["results"]] == expected
        assert body["count"] == len(expected)
    grant.start = timezone.now() - dt.timedelta(days=2)
    grant.end = timezone.now() - dt.timedelta(days=1)
    grant.save()
    assert client_for(holder).get("/api/v1/datasets/", {"q": "prison"}).json()["count"] == 0


def test_the_ckan_compatible_search_finds_text_through_the_index(engine, org_a):
    DatasetFactory(publisher=org_a, title="Bridge inspections")
    DatasetFactory(publisher=org_a, title="Tunnel closures")
    body = Client().get("/api/3/action/package_search", {"q": "bridges"}).json()
    assert [row["title"] for row in body["result"]["results"]] == ["Bridge inspections"]


def test_an_index_written_with_another_schema_is_rebuilt_by_the_command(engine, org_a):
    import tantivy as engine_library

    builder = engine_library.SchemaBuilder()
    builder.add_text_field("old_field")
    engine.SEARCH_INDEX_DIR.mkdir(parents=True)
    engine_library.Index(builder.build(), path=str(engine.SEARCH_INDEX_DIR))
    tantivy.forget_handles()
    with pytest.raises(tantivy.IndexSchemaChanged, match="searchindex --rebuild"):
        tantivy.status()
    call_command("searchindex", "--rebuild")
    assert tantivy.status()["documents"] == 0


def test_a_write_while_the_index_is_busy_goes_ahead_and_waits_in_the_outbox(
    engine, org_a, monkeypatch
):
    from catalogue.search.tantivy import outbox

    monkeypatch.setattr(outbox, "LOCK_TIMEOUT", 0.1)
    with tantivy_index.writer_lock(1):
        dataset = DatasetFactory(publisher=org_a, title="Pier lengths")
    assert Dataset.objects.filter(pk=dataset.pk).exists()
    assert SearchOutbox.objects.filter(dataset_id=dataset.pk).exists()
    tantivy.drain()
    assert indexed_ids() == {str(dataset.pk)}


def test_deleting_datasets_in_the_admin_removes_them_from_the_index(engine, org_a, client):
    kept, one, many = (DatasetFactory(publisher=org_a, title=t) for t in ["Kept", "One", "Many"])
    client.force_login(UserFactory(username="admin", is_superuser=True, is_staff=True))
    response = client.post(f"/admin/catalogue/dataset/{one.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    response = client.post(
        "/admin/catalogue/dataset/",
        {"action": "delete_selected", "_selected_action": [many.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert indexed_ids() == {str(kept.pk)}
